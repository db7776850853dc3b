/** Summaries of repeated measurements: the report always shows min, median and max. */

/** `{ min, median, max, n }` of a list of numbers (NaN-free). */
export function summarize(values) {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 0) return { min: NaN, median: NaN, max: NaN, n: 0 };
  const mid = Math.floor(n / 2);
  const median = n % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { min: sorted[0], median, max: sorted[n - 1], n };
}

/**
 * The rise over the whole series of the least-squares line through `samples` (equally spaced):
 * what a steady leak adds over the window, with the collector's saw-tooth averaged out rather
 * than read at two instants.
 */
export function linearRise(samples) {
  const n = samples.length;
  if (n < 2) return 0;
  const meanX = (n - 1) / 2;
  const meanY = samples.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (i - meanX) * (samples[i] - meanY);
    den += (i - meanX) ** 2;
  }
  return (num / den) * (n - 1);
}
