/**
 * The account every inbound soak and profiler listens to: the sandbox in a process of its own
 * (`inbound-sandbox.mjs`, so that its CPU is not counted as the listener's), seeded with
 * 4 channels × 2,500 conversations.
 */
import { startWorker } from '../runner/worker-process.mjs';

/** Conversations per channel of the demo account's four: 10,000 in all. */
export const CONVERSATIONS_PER_CHANNEL = 2_500;

/** Starts the sandbox's process; seed it with {@link seedSoakSandbox}, stop it with `stop()`. */
export function startSoakSandbox() {
  return startWorker(new URL('./inbound-sandbox.mjs', import.meta.url), {});
}

/**
 * Starts the sandbox in `worker` and writes the conversations.
 *
 * @returns `{ url, seeded }`; throws when the sandbox did not start.
 */
export async function seedSoakSandbox(worker) {
  const started = await worker.command(
    'start',
    { conversationsPerChannel: CONVERSATIONS_PER_CHANNEL },
    60_000,
  );
  if (!started.ok) throw new Error(`sandbox: ${started.error}`);
  return started.value;
}
