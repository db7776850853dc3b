/** Polling a condition a test cannot await directly (a server having received a request, say). */

/**
 * Resolves once `condition()` holds (it may answer asynchronously, e.g. from Redis), checking
 * every `intervalMs`; rejects after `limitMs`.
 */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  limitMs = 2_000,
  intervalMs = 5,
): Promise<void> {
  const until = Date.now() + limitMs;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error(`condition not reached within ${limitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
