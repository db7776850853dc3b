/** Polling a condition a test cannot await directly (a server having received a request, say). */

/** Resolves once `condition()` holds, checking every 5 ms; rejects after `limitMs`. */
export async function waitFor(condition: () => boolean, limitMs = 2_000): Promise<void> {
  const until = Date.now() + limitMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
