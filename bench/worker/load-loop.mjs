/**
 * A closed-loop load generator: `concurrency` lanes, each sending its next call when the last
 * one answered. Bounded both ways: it stops after `maxCalls` calls or `durationMs`, whichever
 * comes first, and never leaves a call behind (it waits for those in flight).
 */
import { performance } from 'node:perf_hooks';

/** Runs the loop (for warm-ups and the memory runs). Resolves to the number of calls completed. */
export async function drive(call, { concurrency, durationMs, maxCalls }) {
  const deadline = performance.now() + durationMs;
  let issued = 0;
  let completed = 0;
  async function lane() {
    while (issued < maxCalls && performance.now() < deadline) {
      issued++;
      await call();
      completed++;
    }
  }
  await Promise.all(Array.from({ length: concurrency }, lane));
  return completed;
}

/**
 * One measured window: `concurrency` lanes send calls from the start of the window; when the
 * window ends (`windowMs`, or `maxCalls` issued) no new call starts, `onWindowEnd` takes its
 * snapshot (CPU time, completions so far) at that instant, and the calls still in flight are
 * waited for but not counted in throughput. Latencies are those of every call started in the
 * window. Resolves to `{ completed, elapsedMs, latencies, snapshot }`.
 */
export async function measureWindow(call, { concurrency, windowMs, maxCalls, onWindowEnd }) {
  const latencies = [];
  const t0 = performance.now();
  let open = true;
  let issued = 0;
  let completed = 0;
  let elapsedMs = 0;
  let snapshot;
  const endWindow = () => {
    if (!open) return;
    open = false;
    elapsedMs = performance.now() - t0;
    snapshot = onWindowEnd?.();
  };
  const timer = setTimeout(endWindow, windowMs);
  async function lane() {
    while (open && issued < maxCalls) {
      issued++;
      const start = performance.now();
      await call();
      latencies.push(performance.now() - start);
      if (open) completed++;
    }
    endWindow();
  }
  await Promise.all(Array.from({ length: concurrency }, lane));
  clearTimeout(timer);
  return { completed, elapsedMs, latencies, snapshot };
}

/** Mean and 99th percentile of latencies (an array of milliseconds). */
export function latencyStats(latencies) {
  const count = latencies.length;
  if (count === 0) return { meanMs: NaN, p99Ms: NaN };
  const used = Float64Array.from(latencies).sort();
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
