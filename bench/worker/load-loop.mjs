/**
 * A closed-loop load generator: `concurrency` lanes, each sending its next call when the last
 * one answered. Bounded both ways: it stops after `maxCalls` calls or `durationMs`, whichever
 * comes first, and never leaves a call behind (it waits for those in flight).
 */
import { performance } from 'node:perf_hooks';

/**
 * Runs the loop. When `latencies` (a Float64Array of at least `maxCalls`) is given, each call's
 * latency in milliseconds is written to it. Resolves to the number of calls completed.
 */
export async function drive(call, { concurrency, durationMs, maxCalls, latencies }) {
  const deadline = performance.now() + durationMs;
  let issued = 0;
  let completed = 0;
  async function lane() {
    while (issued < maxCalls && performance.now() < deadline) {
      const slot = issued++;
      const start = performance.now();
      await call();
      if (latencies) latencies[slot] = performance.now() - start;
      completed++;
    }
  }
  await Promise.all(Array.from({ length: concurrency }, lane));
  return completed;
}

/** Mean and 99th percentile of the first `count` latencies, in milliseconds. */
export function latencyStats(latencies, count) {
  if (count === 0) return { meanMs: NaN, p99Ms: NaN };
  const used = latencies.slice(0, count).sort();
  let sum = 0;
  for (const value of used) sum += value;
  const index = Math.min(count - 1, Math.ceil(count * 0.99) - 1);
  return { meanMs: sum / count, p99Ms: used[index] };
}

/**
 * The peak resident set size of this process so far, in bytes: the kernel's high-water mark
 * (getrusage), free to read, where sampling `memoryUsage.rss()` on a timer would cost the
 * measured calls CPU time.
 */
export function peakRssBytes() {
  return process.resourceUsage().maxRSS * 1024;
}
