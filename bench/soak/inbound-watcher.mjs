/**
 * The watcher of the inbound soak: `chat.watchInbound()` over the whole account, as an app runs
 * it, its loop only counting messages. After the warm-up (the first polls read every seeded
 * conversation), it measures for the window: resident set size every 10 s and the live heap after
 * a forced collection at both ends; CPU time per poll (`process.cpuUsage()` between the starts of
 * two polls, a poll starting with its first `getchats`, seen on the `afilnet-chat:call` tracing
 * channel); the event loop's delay (`monitorEventLoopDelay`); and the API calls the sandbox
 * answered (its request counts, read over HTTP at both ends).
 */
import { subscribe } from 'node:diagnostics_channel';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { createChatClient, createFileCheckpoint } from '@afilnet-chat/core';
import { DEMO_ACCOUNT } from '@afilnet-chat/sandbox';
import { onCommand } from '../worker/parent-channel.mjs';

const MB = 2 ** 20;
const RSS_SAMPLE_MS = 10_000;

function liveHeapMb() {
  globalThis.gc?.();
  return process.memoryUsage().heapUsed / MB;
}

const cpuMicros = () => {
  const { user, system } = process.cpuUsage();
  return user + system;
};

async function requestCounts(url) {
  const response = await fetch(`${url}/__sandbox/requests/counts`);
  return response.json();
}

let watch;

/** Starts the watch; resolves once the seeded backlog has been handled (or `backlogLimitMs` passed). */
onCommand('start', async (job) => {
  const dir = await mkdtemp(join(tmpdir(), 'afilnet-inbound-soak-'));
  const chat = createChatClient({
    transport: job.transport,
    baseUrl: job.url,
    allowInsecureHttp: true,
    credentials: { user: DEMO_ACCOUNT.user, password: DEMO_ACCOUNT.password },
  });
  const stop = new AbortController();
  const inbound = chat.watchInbound({
    intervalMs: job.intervalMs,
    checkpoint:
      job.checkpoint === 'file' ? createFileCheckpoint(join(dir, 'inbound.json')) : undefined,
    signal: stop.signal,
  });
  watch = { job, dir, chat, stop, handled: 0 };
  watch.loop = (async () => {
    for await (const message of inbound) if (message.messageId !== '') watch.handled += 1;
  })();
  const startedAt = performance.now();
  while (watch.handled < job.seeded && performance.now() - startedAt < job.backlogLimitMs)
    await sleep(200);
  return { backlogMs: performance.now() - startedAt, backlogHandled: watch.handled >= job.seeded };
});

/** After `warmupMs` of the steady trickle, measures for `durationMs`, then stops the watch. */
onCommand('measure', async ({ warmupMs, durationMs }) => {
  const { job, dir, chat, stop } = watch;
  // A poll starts with its getchats calls, all issued at once; an interval apart from the last.
  let measuring = false;
  let lastPollAt = -Infinity;
  let lastPollCpu = 0;
  const pollCpu = [];
  subscribe('tracing:afilnet-chat:call:start', (context) => {
    if (context.method !== 'getchats') return;
    const now = performance.now();
    if (now - lastPollAt < job.intervalMs / 2) return;
    const cpu = cpuMicros();
    if (measuring && lastPollAt > -Infinity) pollCpu.push(cpu - lastPollCpu);
    lastPollAt = now;
    lastPollCpu = cpu;
  });
  try {
    await sleep(warmupMs);
    const handledAtStart = watch.handled;
    const startHeap = liveHeapMb();
    const startRss = process.memoryUsage.rss() / MB;
    const countsAtStart = await requestCounts(job.url);
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const cpuAtStart = cpuMicros();
    const startedAt = performance.now();
    measuring = true;
    lastPollAt = -Infinity; // the first poll of the window starts the first measured one

    const rss = [startRss];
    while (performance.now() - startedAt < durationMs) {
      await sleep(Math.min(RSS_SAMPLE_MS, durationMs - (performance.now() - startedAt)));
      rss.push(process.memoryUsage.rss() / MB);
    }
    measuring = false;
    const cpuTotal = cpuMicros() - cpuAtStart;
    const elapsedMs = performance.now() - startedAt;
    delay.disable();
    const handled = watch.handled - handledAtStart;
    const countsAtEnd = await requestCounts(job.url);
    const endRss = process.memoryUsage.rss() / MB;
    const endHeap = liveHeapMb();
    const calls = {};
    for (const [method, n] of Object.entries(countsAtEnd)) {
      const diff = n - (countsAtStart[method] ?? 0);
      if (diff > 0) calls[method] = diff;
    }
    return {
      elapsedMs,
      handled,
      rss: { start: startRss, end: endRss, samples: rss },
      liveHeap: { start: startHeap, end: endHeap },
      cpuTotalMicros: cpuTotal,
      pollCpuMicros: pollCpu,
      calls,
      eventLoopDelayMs: {
        p50: delay.percentile(50) / 1e6,
        p99: delay.percentile(99) / 1e6,
        max: delay.max / 1e6,
      },
    };
  } finally {
    stop.abort();
    await watch.loop.catch(() => undefined);
    await chat.close();
    await rm(dir, { recursive: true, force: true });
  }
});

onCommand('close', async () => null);
