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
 * One measured window in steady state. `concurrency` lanes start sending; the window opens once
 * `concurrency` calls have completed (every lane is then past its first call, the pipeline is
 * full) or after `rampMaxMs`, and closes `windowMs` later. Throughput, CPU time and latencies
 * count the calls that complete while it is open; the calls still in flight when it closes are
 * waited for and not counted, as the calls in flight when it opened were counted: in steady state
 * the two cancel out. Counting from the first call instead would charge every subject one
 * latency of ramp-up per window, and slow subjects (whose latency can exceed a short window) far
 * more than fast ones. `onWindowStart` and `onWindowEnd` take their snapshots at those instants.
 * Resolves to `{ completed, elapsedMs, latencies, startSnapshot, endSnapshot }`.
 */
export async function measureWindow(
  call,
  { concurrency, windowMs, maxCalls, rampMaxMs = 2_000, onWindowStart, onWindowEnd },
) {
  const latencies = [];
  let state = 'ramp';
  let issued = 0;
  let rampCompleted = 0;
  let completed = 0;
  let openedAt = 0;
  let elapsedMs = 0;
  let startSnapshot;
  let endSnapshot;
  let closeTimer;
  const close = () => {
    if (state !== 'open') return;
    state = 'closed';
    elapsedMs = performance.now() - openedAt;
    endSnapshot = onWindowEnd?.();
  };
  const open = () => {
    if (state !== 'ramp') return;
    state = 'open';
    openedAt = performance.now();
    startSnapshot = onWindowStart?.();
    closeTimer = setTimeout(close, windowMs);
  };
  const rampTimer = setTimeout(open, rampMaxMs);
  async function lane() {
    while (state !== 'closed' && issued < maxCalls) {
      issued++;
      const start = performance.now();
      await call();
      if (state === 'open') {
        latencies.push(performance.now() - start);
        completed++;
      } else if (state === 'ramp' && ++rampCompleted >= concurrency) {
        open();
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, lane));
  clearTimeout(rampTimer);
  clearTimeout(closeTimer);
  // Only when `maxCalls` ran out first: end the window where the calls ended.
  open();
  close();
  return { completed, elapsedMs, latencies, startSnapshot, endSnapshot };
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
