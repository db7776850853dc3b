/**
 * Reads a V8 `.cpuprofile` (as written by `node --cpu-prof`) and attributes its time: self time
 * per function, self time per area (our packages, zod, undici, Node internals, GC), and
 * inclusive time of the functions of our packages, each also per call when the number of calls
 * is known (every sample counts, idle included, so shares are of wall time).
 */
import { readFileSync } from 'node:fs';

/** The area a script belongs to, from its URL. */
export function areaOf(url, functionName) {
  if (!url) return functionName.startsWith('(') ? functionName : 'native / V8';
  const pkg = url.match(/\/packages\/([^/]+)\/dist\//);
  if (pkg) return `@afilnet-chat/${pkg[1]}`;
  const dep = url.match(/node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)\//);
  if (dep) return dep[1];
  if (url.startsWith('node:')) return 'node internals';
  if (url.includes('/bench/')) return 'bench harness';
  return url;
}

function shortUrl(url) {
  return url
    .replace(/^file:\/\//, '')
    .replace(/.*\/(packages|node_modules)\//, '$1/')
    .replace(/node_modules\/\.pnpm\/[^/]+\/node_modules\//, '');
}

/**
 * Summarises a profile. `calls` (optional) turns times into µs per call. Answers
 * `{ totalMs, byArea, topSelf, inclusive }`, each list sorted by time, largest first
 * (`inclusive` holds every function; filter it by `key`).
 */
export function summarizeCpuProfile(path, calls) {
  const profile = JSON.parse(readFileSync(path, 'utf8'));
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const child of n.children ?? []) parent.set(child, n.id);
  const selfUs = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const keyOf = (n) =>
    `${n.callFrame.functionName || '(anonymous)'} ${shortUrl(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const perCall = (us) => (calls ? us / calls : undefined);

  const byArea = new Map();
  const bySelf = new Map();
  const inclusive = new Map();
  for (const [id, us] of selfUs) {
    const n = nodes.get(id);
    const area = areaOf(n.callFrame.url, n.callFrame.functionName);
    byArea.set(area, (byArea.get(area) ?? 0) + us);
    const key = keyOf(n);
    bySelf.set(key, { key, area, us: (bySelf.get(key)?.us ?? 0) + us });
    // Inclusive time: charged once per function per sample, up the stack.
    const seen = new Set();
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const frame = nodes.get(cur);
      const k = keyOf(frame);
      if (seen.has(k)) continue;
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + us);
    }
  }
  const sorted = (entries) => [...entries].sort((a, b) => b.us - a.us);
  return {
    totalMs: total / 1000,
    byArea: sorted(
      [...byArea].map(([area, us]) => ({ area, us, share: us / total, usPerCall: perCall(us) })),
    ),
    topSelf: sorted(
      [...bySelf.values()].map((e) => ({ ...e, share: e.us / total, usPerCall: perCall(e.us) })),
    ),
    inclusive: sorted(
      [...inclusive].map(([key, us]) => ({ key, us, share: us / total, usPerCall: perCall(us) })),
    ),
  };
}
