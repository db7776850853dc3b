/**
 * The "Long-running listeners" section of bench/RESULTS.md: soak runs of the listeners
 * (`node bench/soak-inbound.mjs` for `watchInbound`, `--listener relay` for `afilnet-chat
 * relay`), kept in bench/soak-results.json, one row per listener and configuration. A run replaces only its own rows, and a full `pnpm bench` run,
 * which rewrites RESULTS.md, keeps the section.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { markdownTable, putResultsSection } from './markdown.mjs';

export const SOAK_RECORD = new URL('../soak-results.json', import.meta.url);
const HEADING = '## Long-running listeners (soak)';

const int = (n) => Math.round(n).toLocaleString('en-US');
const one = (n) => n.toFixed(1);
const two = (n) => n.toFixed(2);
const signed = (n) => `${n >= 0 ? '+' : ''}${one(n)}`;
const verdict = (ok) => (ok === undefined ? 'not judged' : ok ? 'met' : '**missed**');

function loadRows() {
  return existsSync(SOAK_RECORD) ? JSON.parse(readFileSync(SOAK_RECORD, 'utf8')).rows : [];
}

/** The safety sweep's polls, left out of the CPU per poll, for its cell; '' for rows before. */
function sweepCell(sweeps) {
  if (sweeps === undefined) return '';
  if (sweeps.length === 0) return '; no safety sweep in the window';
  const each = sweeps.map(
    (s) =>
      `${int(s.cpuMicros / 1000)} ms for ${int(s.reads)} reads${s.monitored ? ', timer on' : ''}`,
  );
  return `; the safety sweep's poll, left out: ${each.join(', ')}`;
}

/** The cells of one row of the table, from a row record. */
function rowCells(r) {
  return [
    r.listener,
    r.subject,
    r.date.slice(0, 16).replace('T', ' '),
    `${one(r.minutes)} min, ${int(r.polls)} polls`,
    r.load.map(two).join(', '),
    `${r.rss.trendMb === undefined ? '' : `${signed(r.rss.trendMb)} MB${r.rss.trendOutsideYoungMb === undefined ? '' : ` (outside V8's young generation ${signed(r.rss.trendOutsideYoungMb)})`}; `}end − start ${signed(r.rss.growthMb)} MB (${one(r.rss.startMb)} → ${one(r.rss.endMb)}); peaks ${signed(r.rss.peakRiseMb)}; heap ${one(r.liveHeap.startMb)} → ${one(r.liveHeap.endMb)} MB`,
    `${int(r.cpu.perPollMicros / 1000)} ms (median ${int(r.cpu.medianPollMicros / 1000)}, p90 ${int(r.cpu.p90PollMicros / 1000)}); ${int(r.cpu.perChangedMicros)} µs per conversation read${r.cpu.readsPerPoll === undefined ? '' : `; over ${int(r.cpu.polls)} polls without the delay histogram, ${one(r.cpu.readsPerPoll)} reads each (with it: ${int(r.cpu.monitoredPerPollMicros / 1000)} ms)`}${r.cpu.mainPerPollMicros === undefined ? '' : `; main thread ${int(r.cpu.mainPerPollMicros / 1000)} ms, other threads ${int((r.cpu.perPollMicros - r.cpu.mainPerPollMicros) / 1000)}`}${sweepCell(r.cpu.sweeps)}${r.cpu.fixedMicros === undefined ? '' : `; fit over the listener's runs: ${int(r.cpu.fixedMicros / 1000)} ms + ${int(r.cpu.slopeMicros)} µs per read`}`,
    `${one(r.eventLoopDelayMs.p99)} ms (max ${one(r.eventLoopDelayMs.max)})`,
    `${one(r.callsPerPoll.total)} (${r.callsPerPoll.detail})`,
    `${int(r.handled)} of ${int(r.written)}`,
    [verdict(r.met.rss), verdict(r.met.cpu), verdict(r.met.delay)].join(' / '),
  ];
}

/** The section's Markdown, or '' when there is no row. */
export function renderSoakSection(rows = loadRows()) {
  if (rows.length === 0) return '';
  return [
    HEADING,
    '',
    "Each listener runs in a process of its own for its window after a warm-up, against the sandbox in another (its CPU is not counted), with a steady trickle of new messages; the relay delivers to a local receiver answering 204, in the bench process. Targets: RSS growth < 20 MB (the rise of the least-squares line through the RSS sampled every 10 s over the window, after the warm-up, with in brackets the same line with V8's young generation taken out of each sample; the two ends, each read just after a forced collection, and the rise of the peaks beside it), CPU per poll growing with the conversations that change (judged between the 1 % and 10 % runs of a listener: the fixed part at most half of the 1 % poll), event-loop delay p99 < 50 ms. The delay histogram's 10 ms timer costs a process CPU of its own, so it runs in alternate blocks of 6 polls: CPU per poll is read over the polls without it, the delay over the polls with it. The safety sweep's reads (a twentieth of the conversations every 30 s) are counted in the polls they fall in; a poll that read every conversation for it (a listener paused a whole sweep interval, or rows measured before the sweep was spread) is left out of CPU per poll and shown alone. **Reproduce:** `node bench/soak-inbound.mjs` (`watchInbound`, both rows, 10 minutes each; `--minutes N`), `node bench/soak-inbound.mjs --listener relay` (the relay). How it is measured: [README.md](README.md#long-running-listeners-soak).",
    '',
    markdownTable(
      [
        'listener',
        'configuration',
        'run',
        'window',
        'load average at the start',
        'RSS growth: trend over the window; end − start; rise of the peaks; live heap',
        'CPU per poll (mean; median, p90); per conversation read',
        'event-loop delay p99',
        'API calls per poll',
        'messages handled of written',
        'verdict (RSS / CPU / delay)',
      ],
      rows.map(rowCells),
    ),
  ].join('\n');
}

/** Each listener's runs: the id without its percent (`relay/1%/file` → `relay/file`). */
const listenerOf = (row) =>
  row.id
    .split('/')
    .filter((_, i) => i !== 1)
    .join('/');

/**
 * Judges CPU per poll in `rows`, in place, per listener over all its runs given: a poll's CPU is
 * a fixed part (the getchats of every channel) plus a part per conversation read, fitted through
 * the runs with the fewest and the most reads. Met when it grows with the reads (more than twice
 * from the one to the other) and the fixed part is at most half of the lighter run's poll; one
 * run alone gives no slope and is not judged.
 */
export function judgeCpu(rows) {
  // The conversations read per poll, over the polls whose CPU is counted; rows measured before
  // the polls were told apart count every call of a poll but its getchats (four channels).
  const reads = (row) => row.cpu.readsPerPoll ?? row.callsPerPoll.total - 4;
  const groups = groupBy(rows, listenerOf);
  for (const runs of groups.values()) {
    if (runs.length < 2) {
      for (const row of runs) {
        row.met.cpu = undefined;
        delete row.cpu.fixedMicros;
        delete row.cpu.slopeMicros;
      }
      continue;
    }
    const sorted = [...runs].sort((a, b) => reads(a) - reads(b));
    const [low, high] = [sorted[0], sorted.at(-1)];
    const slope = (high.cpu.perPollMicros - low.cpu.perPollMicros) / (reads(high) - reads(low));
    const fixed = low.cpu.perPollMicros - slope * reads(low);
    for (const row of runs) {
      row.cpu.fixedMicros = fixed;
      row.cpu.slopeMicros = slope;
      row.met.cpu =
        slope > 0 &&
        high.cpu.perPollMicros / low.cpu.perPollMicros > 2 &&
        fixed <= low.cpu.perPollMicros / 2;
    }
  }
  return rows;
}

function groupBy(items, key) {
  const groups = new Map();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}

/**
 * Stores `rows`, replacing the stored rows of the same `id` and keeping every other, judges CPU
 * per listener over all of them, and puts the section into bench/RESULTS.md in place of the
 * previous one.
 */
export function saveSoakRows(rows) {
  const ids = new Set(rows.map((r) => r.id));
  const kept = loadRows().filter((r) => !ids.has(r.id));
  const all = judgeCpu([...kept, ...rows]);
  writeFileSync(SOAK_RECORD, `${JSON.stringify({ rows: all }, null, 2)}\n`);
  const section = renderSoakSection(all);
  putResultsSection(HEADING, section);
}
