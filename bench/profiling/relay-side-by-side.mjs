/**
 * The relay's CPU per poll against `watchInbound`'s, side by side on one sandbox: the soak's
 * 10,000 conversations (soak/inbound-sandbox.mjs) and its trickle, one file checkpoint that every
 * listener continues in turn (so none starts from scratch), each listener in its own process
 * measured from inside (soak/measure-listener.mjs), in rounds that alternate them so that the
 * machine's load falls on each alike. Listeners: `relay=<bin>` (a built `afilnet-chat`; to
 * compare with an earlier build, copy `packages/cli`'s `bin`, `dist` and `package.json` aside
 * and link its `node_modules` there) and `watch`. Windows in which a safety sweep fell are left
 * out of the summary. Prints, per
 * listener and changing rate, the CPU per poll (mean, median), its system part, reads per poll, and a
 * fit of fixed + per-read CPU over the rates.
 *
 *   node bench/profiling/relay-side-by-side.mjs [--listeners relay=packages/cli/bin/afilnet-chat.js,watch]
 *     [--changing 1,10] [--rounds 2] [--window-s 60] [--warmup-s 15] [--cpu-prof-dir DIR]
 *
 * `--cpu-prof-dir` writes a V8 CPU profile of each listener's process there (`node --cpu-prof`), to read
 * with summarize-cpu-profile.mjs. Build first (`pnpm build`).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { startWorker } from '../runner/worker-process.mjs';
import { CLI_BIN, startReceiver, startRelayProcess } from '../soak/relay-process.mjs';
import {
  CONVERSATIONS_PER_CHANNEL,
  seedSoakSandbox,
  startSoakSandbox,
} from '../soak/soak-sandbox.mjs';

const { values } = parseArgs({
  options: {
    listeners: { type: 'string', default: `relay=${CLI_BIN},watch` },
    changing: { type: 'string', default: '1,10' },
    rounds: { type: 'string', default: '2' },
    'window-s': { type: 'string', default: '60' },
    'warmup-s': { type: 'string', default: '15' },
    'cpu-prof-dir': { type: 'string' },
  },
});
const CHANNELS = 4;
const INTERVAL_MS = 5_000;
const CONCURRENCY = 8;
/** The listeners' safety sweep: every conversation once per 10 minutes (the default). */
const SWEEP_INTERVAL_MS = 600_000;
const TRANSPORT = 'post';
const listeners = values.listeners.split(',').map((spec) => {
  const [kind, bin] = spec.split('=');
  return kind === 'watch' ? { name: 'watch' } : { name: spec, bin: resolve(bin) };
});
const percents = values.changing.split(',').map(Number);
const rounds = Number(values.rounds);
const windowMs = Number(values['window-s']) * 1000;
const warmupMs = Number(values['warmup-s']) * 1000;
const log = (line) => console.log(`[relay-side-by-side] ${line}`);

const sandbox = startSoakSandbox();
const receiver = await startReceiver();
const dir = await mkdtemp(join(os.tmpdir(), 'afilnet-relay-sbs-'));
const checkpointPath = join(dir, 'inbound.json');
const seededSandbox = await seedSoakSandbox(sandbox);
const sandboxUrl = seededSandbox.url;
let profiles = 0;

/** `node --cpu-prof` options writing `<label>-<n>.cpuprofile` into `--cpu-prof-dir`, if given. */
function profileArgs(label) {
  const dir = values['cpu-prof-dir'];
  if (dir === undefined) return [];
  profiles += 1;
  return ['--cpu-prof', `--cpu-prof-dir=${dir}`, `--cpu-prof-name=${label}-${profiles}.cpuprofile`];
}

/** Runs `listener` on the shared checkpoint for one window (after `warmup`), then stops it. */
async function measure(listener, warmup, label) {
  if (listener.name === 'watch') {
    const watcher = startWorker(new URL('../soak/inbound-watcher.mjs', import.meta.url), {
      execArgv: ['--expose-gc', ...profileArgs(label)],
    });
    try {
      const job = {
        url: sandboxUrl,
        transport: TRANSPORT,
        intervalMs: INTERVAL_MS,
        checkpoint: 'file',
        checkpointPath,
        seeded: 0,
        backlogLimitMs: 0,
      };
      const on = await watcher.command('start', job, 60_000);
      if (!on.ok) throw new Error(`watch: ${on.error}`);
      const reply = await watcher.command(
        'measure',
        { warmupMs: warmup, durationMs: windowMs },
        warmup + windowMs + 120_000,
      );
      if (!reply.ok) throw new Error(`watch: ${reply.error}`);
      return reply.value;
    } finally {
      await watcher.stop();
    }
  }
  const relay = startRelay(listener.bin, profileArgs(label));
  try {
    const reply = await relay.worker.command(
      'measure',
      { sandboxUrl, intervalMs: INTERVAL_MS, warmupMs: warmup, durationMs: windowMs },
      warmup + windowMs + 120_000,
    );
    if (!reply.ok) throw new Error(`${listener.name}: ${reply.error}`);
    return { ...reply.value, handled: receiver.deliveredBetween(reply.value) };
  } finally {
    await relay.stop();
  }
}

/** A relay build's process on the shared sandbox, receiver and checkpoint. */
const startRelay = (bin, execArgv) =>
  startRelayProcess({
    bin,
    sandboxUrl,
    receiverUrl: receiver.url,
    checkpointPath,
    intervalMs: INTERVAL_MS,
    concurrency: CONCURRENCY,
    transport: TRANSPORT,
    execArgv,
  });

const median = (list) => {
  const sorted = [...list].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
};
const results = new Map(); // `${name} ${percent}` -> [{ cpuMicros, polls, reads, handled }]
try {
  // The seeded backlog, delivered (or read) by the first listener; not measured.
  const first = listeners.find((l) => l.name !== 'watch');
  if (first !== undefined) {
    const relay = startRelay(first.bin);
    const t0 = performance.now();
    while (receiver.delivered < seededSandbox.seeded && performance.now() - t0 < 15 * 60_000)
      await sleep(500);
    await relay.stop();
    log(
      `backlog of ${receiver.delivered} delivered in ${((performance.now() - t0) / 1000).toFixed(0)} s`,
    );
  }
  for (const percent of percents) {
    const perInterval = Math.round((CHANNELS * CONVERSATIONS_PER_CHANNEL * percent) / 100);
    await sandbox.command('trickle', { perInterval, intervalMs: INTERVAL_MS }, 10_000);
    for (let round = 0; round < rounds; round++) {
      for (const listener of listeners) {
        const load = os.loadavg()[0];
        const r = await measure(
          listener,
          warmupMs,
          `${listener.name === 'watch' ? 'watch' : `relay${listeners.indexOf(listener)}`}-${percent}`,
        );
        const polls = (r.calls.getchats ?? 0) / CHANNELS;
        const entry = {
          cpuMicros: r.cpuTotalMicros,
          systemMicros: r.cpuSystemMicros,
          polls,
          reads: r.calls.getunreadmessages ?? 0,
          handled: r.handled,
          pollCpuMicros: r.polls.map((p) => p.cpuMicros),
        };
        // The safety sweep's share of the reads (each conversation once per 10 minutes, spread
        // over them) is alike in every window; a whole sweep in one poll (a listener that paused
        // a whole interval) is not: such a window is not comparable, so it is left out.
        const sweepShare =
          (CHANNELS * CONVERSATIONS_PER_CHANNEL * polls * INTERVAL_MS) / SWEEP_INTERVAL_MS;
        const swept =
          entry.reads >
          polls * perInterval + sweepShare + (CHANNELS * CONVERSATIONS_PER_CHANNEL) / 2;
        const key = `${listener.name} ${percent}`;
        if (!swept) results.set(key, [...(results.get(key) ?? []), entry]);
        log(
          `${percent} % round ${round + 1} ${listener.name}: ${(entry.cpuMicros / polls / 1000).toFixed(1)} ms/poll (median ${(median(entry.pollCpuMicros) / 1000).toFixed(1)}, system ${(entry.systemMicros / polls / 1000).toFixed(1)}), ${(entry.reads / polls).toFixed(0)} reads/poll, ${entry.handled ?? '-'} delivered, load ${load.toFixed(1)}${swept ? '; a sweep fell in this window: left out' : ''}`,
        );
      }
    }
  }
} finally {
  await sandbox.stop();
  await receiver.close();
  await rm(dir, { recursive: true, force: true });
}

console.log(
  '\n| listener | changing | CPU per poll, mean | median | of which system | reads per poll |',
);
console.log('| --- | --- | --- | --- | --- | --- |');
const fits = [];
for (const listener of listeners) {
  const points = [];
  for (const percent of percents) {
    const runs = results.get(`${listener.name} ${percent}`) ?? [];
    const cpu = runs.reduce((a, r) => a + r.cpuMicros, 0);
    const polls = runs.reduce((a, r) => a + r.polls, 0);
    const reads = runs.reduce((a, r) => a + r.reads, 0);
    const system = runs.reduce((a, r) => a + r.systemMicros, 0);
    const med = median(runs.flatMap((r) => r.pollCpuMicros));
    points.push({ x: reads / polls, y: cpu / polls });
    console.log(
      `| ${listener.name} | ${percent} % | ${(cpu / polls / 1000).toFixed(1)} ms | ${(med / 1000).toFixed(1)} ms | ${(system / polls / 1000).toFixed(1)} ms | ${(reads / polls).toFixed(0)} |`,
    );
  }
  if (points.length >= 2) {
    const [a, b] = [points[0], points[points.length - 1]];
    const slope = (b.y - a.y) / (b.x - a.x);
    fits.push(
      `${listener.name}: ${((a.y - slope * a.x) / 1000).toFixed(1)} ms + ${slope.toFixed(0)} µs per read`,
    );
  }
}
for (const fit of fits) console.log(fit);
