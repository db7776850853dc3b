/**
 * Warms the responder up before the first measured round: a server process measured cold would
 * cost the first subjects of round one more than the others.
 */
import { setup } from '../subjects/raw-undici-subject.mjs';
import { drive } from '../worker/load-loop.mjs';

export async function warmResponder(capturedByTransport, durationMs) {
  for (const captured of capturedByTransport.values()) {
    const subject = await setup({ captured });
    for (const method of Object.keys(captured)) {
      await drive(() => subject.call(method), { concurrency: 64, durationMs, maxCalls: 20_000 });
    }
    await subject.close();
  }
}
