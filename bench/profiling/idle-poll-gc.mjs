/**
 * `node [V8 flags] bench/profiling/idle-poll-gc.mjs [--polls 12]`: the CPU time and the garbage
 * collections of each idle `watchInbound` poll at the soak's scale (4 channels × 2,500
 * conversations, file checkpoint), once the seeded backlog is read and nothing changes: what a
 * long-running listener pays per poll for the conversations it holds, GC included, which the
 * in-process steps (inbound-poll-steps.mjs, a forced collection between rounds) leave out.
 *
 * Prints per poll its CPU (user + system, `process.cpuUsage()` between two polls' first
 * `getchats`), the main thread's GC pauses (`PerformanceObserver` 'gc' entries) and their kinds
 * (1 scavenge, 4 mark-compact, 8 incremental marking), the heap in use, the RSS and the sizes
 * of V8's new and old spaces; then the medians.
 * Run it with V8 flags (`--trace-gc`, `--max-semi-space-size=N`) to see what moves them.
 * Build first (`pnpm build`).
 */
import { subscribe } from 'node:diagnostics_channel';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { getHeapSpaceStatistics } from 'node:v8';
import { createChatClient, createFileCheckpoint } from '@afilnet-chat/core';
import { seedSoakSandbox, soakClientConfig, startSoakSandbox } from '../soak/soak-sandbox.mjs';

const { values } = parseArgs({ options: { polls: { type: 'string', default: '12' } } });
const WARMUP_POLLS = 4;
const measuredPolls = Number(values.polls);

const sandbox = startSoakSandbox();
const dir = await mkdtemp(join(tmpdir(), 'afilnet-idle-poll-'));
try {
  const { url } = await seedSoakSandbox(sandbox);
  const chat = createChatClient(soakClientConfig(url));

  let gcMs = 0;
  let gcKinds = {};
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gcMs += entry.duration;
      gcKinds[entry.detail.kind] = (gcKinds[entry.detail.kind] ?? 0) + 1;
    }
  }).observe({ entryTypes: ['gc'] });

  // RSS follows the young generation's size, which V8 grows and shrinks (1–32 MB here) with
  // what survives its scavenges: the soak's RSS saw-tooth, read beside each poll.
  const spaces = () => {
    const size = (name) =>
      getHeapSpaceStatistics().find((s) => s.space_name === name).space_size / 2 ** 20;
    return {
      rssMb: process.memoryUsage().rss / 2 ** 20,
      newSpaceMb: size('new_space'),
      oldSpaceMb: size('old_space'),
    };
  };
  const polls = [];
  let last;
  // A poll starts with its first getchats (one per channel, a few ms apart).
  subscribe('tracing:afilnet-chat:call:start', (context) => {
    if (context.method !== 'getchats') return;
    const now = performance.now();
    if (last !== undefined && now - last.at < 2_000) return;
    const { user, system } = process.cpuUsage();
    if (last !== undefined)
      polls.push({
        cpuMs: (user + system - last.cpu) / 1000,
        systemMs: (system - last.system) / 1000,
        gcPauseMs: gcMs - last.gcMs,
        gcKinds: JSON.stringify(gcKinds),
        heapMb: process.memoryUsage().heapUsed / 2 ** 20,
        ...spaces(),
      });
    gcKinds = {};
    last = { at: now, cpu: user + system, system, gcMs };
  });

  const stop = new AbortController();
  const watching = (async () => {
    for await (const _ of chat.watchInbound({
      intervalMs: 5_000,
      checkpoint: createFileCheckpoint(join(dir, 'inbound.json')),
      signal: stop.signal,
    }));
  })();
  while (polls.length < WARMUP_POLLS + measuredPolls) await sleep(500);
  stop.abort();
  await watching;
  await chat.close();

  const idle = polls.slice(WARMUP_POLLS);
  for (const p of idle)
    console.log(
      `CPU ${p.cpuMs.toFixed(1)} ms (system ${p.systemMs.toFixed(1)}), GC pauses ${p.gcPauseMs.toFixed(1)} ms ${p.gcKinds}, heap ${p.heapMb.toFixed(0)} MB; RSS ${p.rssMb.toFixed(0)} MB, new space ${p.newSpaceMb.toFixed(0)} MB, old space ${p.oldSpaceMb.toFixed(0)} MB`,
    );
  const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
  console.log(
    `${process.execArgv.join(' ') || 'default flags'}: median idle poll CPU ${median(idle.map((p) => p.cpuMs)).toFixed(1)} ms, GC pauses ${median(idle.map((p) => p.gcPauseMs)).toFixed(1)} ms`,
  );
} finally {
  await sandbox.stop();
  await rm(dir, { recursive: true, force: true });
}
