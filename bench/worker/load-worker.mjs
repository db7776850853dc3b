/**
 * One subject in one long-lived process: set up and warmed once, then told by the runner to run
 * one scenario at a time (a short warm-up and a measured window), reporting the throughput,
 * latency, the client's CPU time per call, the responder's CPU time and new connections per
 * call, and the peak RSS of the process so far.
 *
 * Keeping each subject in its own process keeps its memory and JIT state its own; keeping the
 * process alive lets the runner interleave subjects within seconds of each other.
 */
import { performance } from 'node:perf_hooks';
import { setupSubject } from '../subjects/subject-modules.mjs';
import { drive, latencyStats, peakRssBytes } from './load-loop.mjs';
import { ask, onCommand } from './parent-channel.mjs';

let subject;
let timing;

function cpuMicros(usage) {
  return usage.user + usage.system;
}

/**
 * Brings every method's path to optimised code before anything is measured: V8 needs some
 * thousands of calls to tier up, and a path measured cold costs several times what it costs a
 * running application.
 */
async function warmUp(methods) {
  for (const method of methods) {
    await drive(() => subject.call(method), {
      concurrency: 64,
      durationMs: timing.jitWarmupMs,
      maxCalls: timing.jitWarmupCalls,
    });
  }
}

async function runScenario({ method, concurrency }) {
  const call = () => subject.call(method);
  await drive(call, { concurrency, durationMs: timing.warmupMs, maxCalls: timing.maxWarmupCalls });
  const latencies = new Float64Array(timing.maxCalls);
  // Asked before and after the window: the responder's CPU and connection counts over it.
  const server0 = await ask('server-cpu');
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const calls = await drive(call, { concurrency, durationMs: timing.measureMs, maxCalls: timing.maxCalls, latencies });
  const elapsedMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const server1 = await ask('server-cpu');
  return {
    method,
    concurrency,
    calls,
    elapsedMs,
    reqPerSec: (calls / elapsedMs) * 1000,
    ...latencyStats(latencies, calls),
    clientCpuUsPerCall: cpuMicros(cpu) / calls,
    serverCpuUsPerCall: (cpuMicros(server1.usage) - cpuMicros(server0.usage)) / Math.max(1, server1.requests - server0.requests),
    connectionsPerCall: (server1.connections - server0.connections) / calls,
    peakRssMb: peakRssBytes() / 2 ** 20,
  };
}

onCommand('setup', async (job) => {
  timing = job.timing;
  subject = await setupSubject(job.subject, { baseUrl: job.baseUrl, captured: job.captured });
  await warmUp(job.methods);
  return { rssMb: process.memoryUsage.rss() / 2 ** 20 };
});

onCommand('scenario', runScenario);

onCommand('close', async () => {
  await subject?.close();
  return null;
});
