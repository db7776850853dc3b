/**
 * Memory over a long run: one subject sends `calls` calls at `concurrency`, and the resident set
 * size and heap are sampled every `sampleEvery` calls. Growth is measured from the first
 * sample (after the first `sampleEvery` calls, when pools, caches and JIT have settled) to the
 * last, so that start-up allocation is not counted as a leak. At the first and the last sample
 * the heap is also measured after a forced collection, which tells a leak (live objects piling
 * up) from a heap the collector has simply not shrunk yet.
 */
import { performance } from 'node:perf_hooks';
import { setupSubject } from '../subjects/subject-modules.mjs';
import { drive } from './load-loop.mjs';
import { onCommand } from './parent-channel.mjs';

function liveHeapMb() {
  globalThis.gc?.();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

onCommand('soak', async (job) => {
  const subject = await setupSubject(job.subject, { baseUrl: job.baseUrl, captured: job.captured });
  const call = () => subject.call(job.method);
  const startRssMb = process.memoryUsage.rss() / 2 ** 20;
  const samples = [];
  const deadline = performance.now() + job.maxDurationMs;
  let done = 0;
  while (done < job.calls && performance.now() < deadline) {
    const chunk = Math.min(job.sampleEvery, job.calls - done);
    done += await drive(call, {
      concurrency: job.concurrency,
      durationMs: deadline - performance.now(),
      maxCalls: chunk,
    });
    const memory = process.memoryUsage();
    samples.push({
      calls: done,
      rssMb: memory.rss / 2 ** 20,
      heapUsedMb: memory.heapUsed / 2 ** 20,
    });
    if (samples.length === 1) samples[0].liveHeapMb = liveHeapMb();
  }
  samples.at(-1).liveHeapMb = liveHeapMb();
  await subject.close();
  return { calls: done, startRssMb, samples, timedOut: done < job.calls };
});

onCommand('close', async () => null);
