/**
 * What the soak measures of a listener, from inside its process: the window of
 * `bench/soak-inbound.mjs`, shared by the `watchInbound` watcher and the relay's probe.
 *
 * After `warmupMs`, for `durationMs`: resident set size every 10 s (with the size of V8's young
 * generation at the same instant), and at both ends the live
 * heap and the resident set size just after a forced collection (`--expose-gc`); CPU time over
 * the window and per poll (`process.cpuUsage()` between the starts of two polls, a poll starting
 * with its first `getchats`, seen on the client's `afilnet-chat:call` tracing channel, which is
 * global to the process), the main thread's share of it (Linux), with the conversations each
 * poll read (its `getunreadmessages` and `getmessages`, seen on the same channel); the event
 * loop's delay (how long each interval of a 10 ms timer took, as `monitorEventLoopDelay`
 * measures it); and the API calls the sandbox answered (its request counts, read over HTTP at
 * both ends).
 *
 * The delay's timer wakes the process every 10 ms, and on the bench's machine that alone cost an
 * idle process 39 ms of CPU per 5 s (`monitorEventLoopDelay` at 10 ms, in
 * profiling/delay-timer-cost.mjs): as much as a quiet poll.
 * So it runs in alternate blocks of {@link MONITOR_BLOCK_POLLS} polls, switched on and off as a
 * poll starts: the delay is measured over the monitored polls, and the listener's CPU per poll
 * over the others, which carry none of the instrument's cost. Both kinds of block interleave
 * over the whole window. (`monitorEventLoopDelay` itself cannot be switched off and on: it
 * records the pause between as one delay.)
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { readFileSync } from 'node:fs';
import { createHistogram, performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { getHeapSpaceStatistics } from 'node:v8';

const MB = 2 ** 20;
const RSS_SAMPLE_MS = 10_000;
const CALL_START = 'tracing:afilnet-chat:call:start';
/**
 * Polls in a row with the delay histogram on, then as many with it off, and so on (fewer in a
 * window too short for two such blocks, so that both kinds of poll are measured).
 */
const MONITOR_BLOCK_POLLS = 6;
/** The calls that read a conversation; a poll's others are its `getchats` and channel list. */
const READS = new Set(['getunreadmessages', 'getmessages']);

function liveHeapMb() {
  globalThis.gc?.();
  return process.memoryUsage().heapUsed / MB;
}

/**
 * The memory V8's young generation holds now (its new space and new large objects), in MB: V8
 * grows it, up to its limit, as collections keep more, and RSS moves with it.
 */
function youngGenerationMb() {
  let bytes = 0;
  for (const space of getHeapSpaceStatistics())
    if (space.space_name === 'new_space' || space.space_name === 'new_large_object_space')
      bytes += space.physical_space_size;
  return bytes / MB;
}

/**
 * The event loop's delay, sampled while on: a timer repeating every `resolutionMs` records how
 * long each of its intervals took, in ns, as `monitorEventLoopDelay` records it (so a free loop
 * reads about `resolutionMs`, and the rows stay comparable with those measured with it). Its
 * timer does not keep the process alive.
 */
export function delaySampler(resolutionMs) {
  const histogram = createHistogram();
  let timer;
  let last = 0;
  const tick = () => {
    const now = performance.now();
    histogram.record(Math.max(1, Math.round((now - last) * 1e6)));
    last = now;
  };
  return {
    histogram,
    on() {
      if (timer !== undefined) return;
      last = performance.now();
      timer = setInterval(tick, resolutionMs);
      timer.unref();
    },
    off() {
      clearInterval(timer);
      timer = undefined;
    },
  };
}

/** Clock ticks per second of `/proc/<pid>/task/<tid>/stat` (USER_HZ, 100 on Linux). */
const TICK_MICROS = 10_000;
const MAIN_THREAD_STAT = `/proc/self/task/${process.pid}/stat`;

/**
 * The CPU time of the main thread alone, in µs (10 ms steps), or `undefined` off Linux: with the
 * process's, it tells the main thread's share of a poll from that of V8's and libuv's threads
 * (the collector's concurrent marking and sweeping, optimizing compilation, file writes).
 */
function mainThreadMicros() {
  try {
    const stat = readFileSync(MAIN_THREAD_STAT, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MICROS;
  } catch {
    return undefined;
  }
}

const cpuMicros = () => {
  const { user, system } = process.cpuUsage();
  return user + system;
};

async function requestCounts(url) {
  const response = await fetch(`${url}/__sandbox/requests/counts`);
  return response.json();
}

/**
 * Measures this process for one window. `sandboxUrl` is the sandbox whose request counts give
 * the calls; `intervalMs` the listener's poll interval (two `getchats` less than half of it
 * apart belong to one poll); `onOpen` is called as the window opens.
 *
 * @returns `{ openedAt, closedAt (ms since the epoch), elapsedMs, rss, liveHeap, cpuTotalMicros,
 *   cpuUserMicros, cpuSystemMicros, polls, calls, eventLoopDelayMs }`, where `polls` holds
 *   each whole poll of the window as `{ cpuMicros, mainMicros, reads, monitored }` (`mainMicros`
 *   the main thread's share, undefined off Linux); `eventLoopDelayMs` is read over the monitored
 *   polls.
 */
export async function measureListener({
  sandboxUrl,
  intervalMs,
  warmupMs,
  durationMs,
  onOpen = () => undefined,
}) {
  let measuring = false;
  let lastPollAt = Number.NEGATIVE_INFINITY;
  let lastPollCpu = 0;
  let lastPollMain = 0;
  let reads = 0;
  let pollIndex = 0;
  let monitored = false;
  const polls = [];
  const block = Math.max(1, Math.min(MONITOR_BLOCK_POLLS, Math.floor(durationMs / intervalMs / 2)));
  const sampler = delaySampler(10);
  const delay = sampler.histogram;
  const onCall = (context) => {
    if (READS.has(context.method)) {
      reads += 1;
      return;
    }
    if (context.method !== 'getchats') return;
    const now = performance.now();
    if (now - lastPollAt < intervalMs / 2) return;
    const cpu = cpuMicros();
    const main = mainThreadMicros();
    if (measuring && lastPollAt > Number.NEGATIVE_INFINITY)
      polls.push({
        cpuMicros: cpu - lastPollCpu,
        mainMicros: main === undefined ? undefined : main - lastPollMain,
        reads,
        monitored,
      });
    if (measuring) {
      monitored = Math.floor(pollIndex / block) % 2 === 0;
      pollIndex += 1;
      if (monitored) sampler.on();
      else sampler.off();
    }
    lastPollAt = now;
    lastPollCpu = cpu;
    lastPollMain = main ?? 0;
    reads = 0;
  };
  subscribe(CALL_START, onCall);
  try {
    await sleep(warmupMs);
    const startHeap = liveHeapMb();
    const startRss = process.memoryUsage.rss() / MB;
    const countsAtStart = await requestCounts(sandboxUrl);
    const openedAt = Date.now();
    const cpuAtStart = cpuMicros();
    const usageAtStart = process.cpuUsage();
    const startedAt = performance.now();
    measuring = true;
    onOpen();
    lastPollAt = Number.NEGATIVE_INFINITY; // the first poll of the window starts the first measured one

    const rss = [startRss];
    const young = [youngGenerationMb()];
    while (performance.now() - startedAt < durationMs) {
      await sleep(Math.min(RSS_SAMPLE_MS, durationMs - (performance.now() - startedAt)));
      rss.push(process.memoryUsage.rss() / MB);
      young.push(youngGenerationMb());
    }
    measuring = false;
    const cpuTotal = cpuMicros() - cpuAtStart;
    const usage = process.cpuUsage(usageAtStart);
    const elapsedMs = performance.now() - startedAt;
    const closedAt = Date.now();
    sampler.off();
    const countsAtEnd = await requestCounts(sandboxUrl);
    // Read after the same forced collection as at the start, so that both ends leave out the
    // garbage of the poll in progress: read before it, the end counted up to a poll's answers
    // (tens of MB at 10,000 conversations) that the start did not.
    const endHeap = liveHeapMb();
    const endRss = process.memoryUsage.rss() / MB;
    const calls = {};
    for (const [method, n] of Object.entries(countsAtEnd)) {
      const diff = n - (countsAtStart[method] ?? 0);
      if (diff > 0) calls[method] = diff;
    }
    return {
      openedAt,
      closedAt,
      elapsedMs,
      rss: { start: startRss, end: endRss, samples: rss, youngSamples: young },
      liveHeap: { start: startHeap, end: endHeap },
      cpuTotalMicros: cpuTotal,
      cpuUserMicros: usage.user,
      cpuSystemMicros: usage.system,
      polls,
      calls,
      eventLoopDelayMs: {
        p50: delay.percentile(50) / 1e6,
        p99: delay.percentile(99) / 1e6,
        max: delay.max / 1e6,
      },
    };
  } finally {
    sampler.off();
    unsubscribe(CALL_START, onCall);
  }
}
