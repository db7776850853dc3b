/**
 * The soak of the long-running listeners over 10,000 conversations (4 channels × 2,500, written
 * with the sandbox's bulk injection), for `--minutes` (10) after a warm-up, with a steady trickle
 * of new messages; one run with 1 % of the conversations changing per poll interval, one with
 * 10 %. `--listener watch` (the default) soaks `chat.watchInbound()`; `--listener relay` soaks
 * `afilnet-chat relay` (the built CLI) delivering every message to a local receiver that answers
 * 204. The sandbox and the listener each run in a process of their own, so that the sandbox's
 * CPU is not counted; both listeners are measured from inside their process the same way
 * (soak/measure-listener.mjs; the relay through soak/relay-probe.mjs). Writes a row per run into
 * bench/RESULTS.md (bench/soak-results.json), leaving every other row as it was. See
 * bench/README.md, "Long-running listeners".
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { buildPackages } from './runner/build-packages.mjs';
import { startWorker } from './runner/worker-process.mjs';
import { judgeCpu, saveSoakRows } from './report/soak-section.mjs';
import { linearRise } from './report/stats.mjs';
import { startRelayProcess, startReceiver } from './soak/relay-process.mjs';
import {
  CONVERSATIONS_PER_CHANNEL,
  seedSoakSandbox,
  startSoakSandbox,
} from './soak/soak-sandbox.mjs';

const USAGE = `usage: node bench/soak-inbound.mjs [--listener watch|relay] [--minutes 10] [--changing 1,10]
    [--interval-ms 5000] [--warmup-minutes 1] [--checkpoint file|memory] [--transport post] [--no-build] [--no-record]
  --listener L        watch: chat.watchInbound() (default); relay: afilnet-chat relay to a local receiver
  --minutes N         the measured window of each run (default 10)
  --changing A,B      percent of the conversations changing per poll interval, one run each (default 1,10)
  --interval-ms N     watchInbound's intervalMs (default 5000, its default)
  --warmup-minutes N  before the window: the first polls read every seeded conversation (default 1)
  --checkpoint KIND   file (default, in a temp dir: what an app runs) or memory (watch only)
  --no-record         print the rows, leave bench/RESULTS.md as it is (for smoke runs)`;

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    changing: { type: 'string', default: '1,10' },
    'interval-ms': { type: 'string', default: '5000' },
    'warmup-minutes': { type: 'string', default: '1' },
    listener: { type: 'string', default: 'watch' },
    checkpoint: { type: 'string', default: 'file' },
    transport: { type: 'string', default: 'post' },
    'no-build': { type: 'boolean', default: false },
    'no-record': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const minutes = Number(values.minutes);
const warmupMinutes = Number(values['warmup-minutes']);
const intervalMs = Number(values['interval-ms']);
const percents = values.changing.split(',').map(Number);
if (
  ![minutes, warmupMinutes, intervalMs, ...percents].every((n) => Number.isFinite(n) && n >= 0) ||
  !['file', 'memory'].includes(values.checkpoint) ||
  !['watch', 'relay'].includes(values.listener) ||
  (values.listener === 'relay' && values.checkpoint !== 'file')
) {
  console.error(USAGE);
  process.exit(2);
}

const CHANNELS = 4;
const CONVERSATIONS = CHANNELS * CONVERSATIONS_PER_CHANNEL;
const TARGET_RSS_MB = 20;
/** The longest the warm-up waits for the seeded messages to be handled before the window opens anyway. */
const BACKLOG_LIMIT_MS = 15 * 60_000;
const TARGET_DELAY_P99_MS = 50;
const RELAY = values.listener === 'relay';
/**
 * A poll that read every known conversation for the safety sweep, as a listener does after a
 * pause of a whole sweep interval: more reads than half the conversations, where a poll at 10 %
 * changing reads a tenth of them, and a slice of the sweep spread over its interval a twentieth.
 */
const isSweep = (poll) => poll.reads > CONVERSATIONS / 2;
/** Deliveries in flight in the relay: its own default. */
const RELAY_CONCURRENCY = 8;
const log = (line) => console.log(`[soak] ${line}`);

if (!values['no-build']) {
  const status = buildPackages(
    [
      '@afilnet-chat/core',
      '@afilnet-chat/sandbox',
      `@afilnet-chat/transport-${values.transport}`,
      ...(RELAY ? ['@afilnet-chat/cli'] : []),
    ],
    { build: true },
  );
  for (const [name, { ok, reason }] of status) {
    if (!ok) {
      console.error(`[soak] ${name} is not available: ${reason}`);
      process.exit(1);
    }
  }
}

const percentile = (sorted, p) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const max = (list) => list.reduce((a, b) => Math.max(a, b), -Infinity);

/** One run: a fresh sandbox and watcher, `percent` % of the conversations changing per interval. */
async function soak(percent) {
  const loadAtStart = os.loadavg();
  const perInterval = Math.round((CONVERSATIONS * percent) / 100);
  const sandbox = startSoakSandbox();
  const listener = RELAY ? undefined : startWatcher();
  let relay;
  try {
    const seeded = await seedSoakSandbox(sandbox);
    log(
      `${percent} %: sandbox at ${seeded.url} (own process), ${seeded.seeded} conversations seeded; ${perInterval} changing per ${intervalMs} ms`,
    );
    const job = {
      url: seeded.url,
      transport: values.transport,
      intervalMs,
      checkpoint: values.checkpoint,
      seeded: seeded.seeded,
      backlogLimitMs: BACKLOG_LIMIT_MS,
    };
    let backlog;
    if (RELAY) {
      relay = await startRelay(job);
      backlog = relay.backlog;
    } else {
      const watching = await listener.command('start', job, BACKLOG_LIMIT_MS + 60_000);
      if (!watching.ok) throw new Error(`watcher: ${watching.error}`);
      backlog = watching.value;
    }
    log(
      `${percent} %: the seeded backlog ${backlog.backlogHandled ? 'handled' : 'NOT handled'} in ${(backlog.backlogMs / 1000).toFixed(0)} s; trickle on`,
    );
    await sandbox.command('trickle', { perInterval, intervalMs }, 10_000);
    const windowMs = minutes * 60_000;
    const warmupMs = warmupMinutes * 60_000;
    const timeLimit = warmupMs + windowMs + 180_000;
    let r;
    if (RELAY) {
      const reply = await relay.worker.command(
        'measure',
        { sandboxUrl: job.url, intervalMs, warmupMs, durationMs: windowMs },
        timeLimit,
      );
      if (!reply.ok) throw new Error(`relay: ${reply.error}`);
      r = { ...reply.value, handled: relay.receiver.deliveredBetween(reply.value) };
    } else {
      const reply = await listener.command(
        'measure',
        { warmupMs, durationMs: windowMs },
        timeLimit,
      );
      if (!reply.ok) throw new Error(`watcher: ${reply.error}`);
      r = reply.value;
    }
    // What the trickle wrote during the window, approximately: the rate times the window.
    const written = Math.round((perInterval * r.elapsedMs) / intervalMs);
    const polls = r.calls.getchats / CHANNELS;
    const totalCalls = Object.values(r.calls).reduce((a, b) => a + b, 0);
    // CPU per poll is read over the polls without the delay histogram (measure-listener.mjs).
    // The safety sweep's slices (a twentieth of the conversations every 30 s) are counted in the
    // polls they fall in, as their reads are; a whole sweep in one poll is left out: counted in
    // whichever kind of poll it fell in, it moved that kind's mean by tens of milliseconds.
    const swept = r.polls.filter(isSweep);
    const measured = r.polls.filter((p) => !p.monitored && !isSweep(p));
    const monitoredPolls = r.polls.filter((p) => p.monitored && !isSweep(p));
    const sum = (list, field) => list.reduce((a, p) => a + p[field], 0);
    const sortedPolls = measured.map((p) => p.cpuMicros).sort((a, b) => a - b);
    const half = Math.floor(r.rss.samples.length / 2);
    const row = {
      id: `${RELAY ? 'relay' : 'watchInbound'}/${percent}%/${values.checkpoint}`,
      listener: RELAY ? '`afilnet-chat relay`' : '`watchInbound`',
      subject: `${CHANNELS} channels × ${int(CONVERSATIONS_PER_CHANNEL)} conversations, ${percent} % (${int(perInterval)}) changing per ${intervalMs / 1000} s poll, ${values.checkpoint} checkpoint, ${values.transport}${RELAY ? `, delivering to a local 204 receiver (${RELAY_CONCURRENCY} in flight)` : ''}`,
      date: new Date().toISOString(),
      minutes: r.elapsedMs / 60_000,
      polls,
      load: loadAtStart,
      cores: os.cpus().length,
      rss: {
        startMb: r.rss.start,
        endMb: r.rss.end,
        growthMb: r.rss.end - r.rss.start,
        peakRiseMb: max(r.rss.samples.slice(half)) - max(r.rss.samples.slice(0, half)),
        trendMb: linearRise(r.rss.samples),
        // The same trend without V8's young generation, which the RSS samples include.
        trendOutsideYoungMb: linearRise(r.rss.samples.map((mb, i) => mb - r.rss.youngSamples[i])),
        samplesMb: r.rss.samples.map((mb) => Math.round(mb * 10) / 10),
        youngSamplesMb: r.rss.youngSamples.map((mb) => Math.round(mb * 10) / 10),
      },
      liveHeap: { startMb: r.liveHeap.start, endMb: r.liveHeap.end },
      cpu: {
        perPollMicros: sum(measured, 'cpuMicros') / measured.length,
        medianPollMicros: percentile(sortedPolls, 50),
        p90PollMicros: percentile(sortedPolls, 90),
        perChangedMicros: sum(measured, 'cpuMicros') / Math.max(1, sum(measured, 'reads')),
        readsPerPoll: sum(measured, 'reads') / measured.length,
        polls: measured.length,
        // The main thread's share (Linux); the rest ran on V8's and libuv's threads.
        mainPerPollMicros: measured.every((p) => p.mainMicros !== undefined)
          ? sum(measured, 'mainMicros') / measured.length
          : undefined,
        // The same polls' CPU with the delay histogram on: what the instrument itself costs.
        monitoredPerPollMicros: sum(monitoredPolls, 'cpuMicros') / monitoredPolls.length,
        // The sweep's polls, each alone: its CPU, its reads, and whether the timer was on.
        sweeps: swept.map(({ cpuMicros, reads, monitored }) => ({ cpuMicros, reads, monitored })),
      },
      eventLoopDelayMs: r.eventLoopDelayMs,
      callsPerPoll: {
        total: totalCalls / polls,
        detail: Object.entries(r.calls)
          .map(([method, n]) => `${method} ${(n / polls).toFixed(1)}`)
          .join(', '),
      },
      backlog: { handled: backlog.backlogHandled, seconds: backlog.backlogMs / 1000 },
      handled: r.handled,
      written,
    };
    row.met = {
      rss: row.rss.trendMb < TARGET_RSS_MB,
      delay: row.eventLoopDelayMs.p99 < TARGET_DELAY_P99_MS,
      cpu: true, // judged across the runs, below
    };
    log(`${percent} %: ${JSON.stringify(row)}`);
    return row;
  } finally {
    await listener?.stop();
    await relay?.stop();
    await sandbox.stop();
  }
}

function startWatcher() {
  return startWorker(new URL('./soak/inbound-watcher.mjs', import.meta.url), {
    execArgv: ['--expose-gc'],
  });
}

/**
 * `afilnet-chat relay` in its own process, with the probe loaded, on a file checkpoint in a temp
 * dir, delivering to a receiver of its own (soak/relay-process.mjs); resolves once the seeded
 * backlog has been delivered (or `backlogLimitMs` passed). `stop()` stops the relay as Ctrl-C
 * would, then the receiver.
 */
async function startRelay(job) {
  const dir = await mkdtemp(join(os.tmpdir(), 'afilnet-relay-soak-'));
  const receiver = await startReceiver();
  const relay = startRelayProcess({
    sandboxUrl: job.url,
    receiverUrl: receiver.url,
    checkpointPath: join(dir, 'relay.json'),
    intervalMs: job.intervalMs,
    concurrency: RELAY_CONCURRENCY,
    transport: job.transport,
  });
  const { worker } = relay;
  const stop = async () => {
    await relay.stop();
    await receiver.close();
    await rm(dir, { recursive: true, force: true });
  };
  const startedAt = performance.now();
  while (receiver.delivered < job.seeded && performance.now() - startedAt < job.backlogLimitMs) {
    if (worker.child.exitCode !== null) {
      await stop();
      throw new Error(`relay: it exited (${worker.child.exitCode})`);
    }
    await sleep(200);
  }
  return {
    worker,
    receiver,
    stop,
    backlog: {
      backlogMs: performance.now() - startedAt,
      backlogHandled: receiver.delivered >= job.seeded,
    },
  };
}

function int(n) {
  return Math.round(n).toLocaleString('en-US');
}

const rows = [];
for (const percent of percents) rows.push(await soak(percent));

// The CPU verdict is judged when the rows are saved, over every stored run of the same listener
// (see judgeCpu in report/soak-section.mjs), so that a run repeated alone is judged with the others.
judgeCpu(rows);
for (const row of rows)
  if (row.cpu.fixedMicros !== undefined)
    log(
      `${row.id}: CPU per poll ≈ ${int(row.cpu.fixedMicros / 1000)} ms + ${int(row.cpu.slopeMicros)} µs × conversations read`,
    );
if (!values['no-record']) {
  saveSoakRows(rows);
  log('rows written into bench/RESULTS.md (bench/soak-results.json)');
}
