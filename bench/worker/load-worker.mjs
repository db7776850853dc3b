/**
 * One subject in one long-lived process: set up and warmed once, then told by the runner to run
 * one short measured slice at a time. Each slice reports its raw sums (calls, time, the client's
 * CPU time, the responder's CPU time and new connections, latencies) so that the runner can
 * add up the slices of a round; and the peak RSS of the process so far.
 *
 * Keeping each subject in its own process keeps its memory and JIT state its own; keeping the
 * process alive lets the runner alternate subjects every few hundred milliseconds.
 */
import { setupSubject } from '../subjects/subject-modules.mjs';
import { drive, measureWindow, peakRssBytes } from './load-loop.mjs';
import { ask, onCommand } from './parent-channel.mjs';

let subject;
let timing;

const cpuMicros = (usage) => usage.user + usage.system;

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

/** A slice: an optional warm-up (after a change of scenario), then one steady-state window. */
async function runSlice({ method, concurrency, warmMs, sliceMs }) {
  const call = () => subject.call(method);
  if (warmMs > 0)
    await drive(call, { concurrency, durationMs: warmMs, maxCalls: timing.maxWarmupCalls });
  const snapshot = () => ({ cpu: process.cpuUsage(), server: ask('server-cpu') });
  const window = await measureWindow(call, {
    concurrency,
    windowMs: sliceMs,
    maxCalls: timing.maxCalls,
    onWindowStart: snapshot,
    onWindowEnd: snapshot,
  });
  const [server0, server1] = await Promise.all([
    window.startSnapshot.server,
    window.endSnapshot.server,
  ]);
  return {
    calls: window.completed,
    elapsedMs: window.elapsedMs,
    cpuUs: cpuMicros(window.endSnapshot.cpu) - cpuMicros(window.startSnapshot.cpu),
    serverCpuUs: cpuMicros(server1.usage) - cpuMicros(server0.usage),
    serverRequests: server1.requests - server0.requests,
    connections: server1.connections - server0.connections,
    latencies: window.latencies,
    peakRssMb: peakRssBytes() / 2 ** 20,
  };
}

onCommand('setup', async (job) => {
  timing = job.timing;
  subject = await setupSubject(job.subject, { baseUrl: job.baseUrl, captured: job.captured });
  await warmUp(job.methods);
  return { rssMb: process.memoryUsage.rss() / 2 ** 20 };
});

onCommand('slice', runSlice);

// After the worker has sat idle while other transports ran, V8 has shrunk its heap and the
// first calls pay for growing it again; a short run of every method puts it back in shape.
onCommand('rewarm', async ({ methods, durationMs }) => {
  for (const method of methods) {
    await drive(() => subject.call(method), {
      concurrency: 64,
      durationMs,
      maxCalls: timing.jitWarmupCalls,
    });
  }
  return null;
});

onCommand('close', async () => {
  await subject?.close();
  return null;
});
