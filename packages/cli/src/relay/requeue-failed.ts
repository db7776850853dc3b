/**
 * `--retry-failed` for the in-process relay: the failed messages go back into the checkpoint's
 * pending list, which the next relay on it delivers first. The checkpoint is claimed as a relay
 * claims it, so this is refused while a relay runs on the same file.
 */
import type { InboundCheckpoint } from '@afilnet-chat/core';
import { createInboundState } from '@afilnet-chat/core/inbound';
import type { FailedDeliveries } from './failed-deliveries.js';

/**
 * Moves every failed message back to `checkpoint`'s pending list (saved first), then empties
 * the failed list. A kill between the two leaves a message in both: it is delivered, and the
 * relay then removes it from the failed list.
 *
 * @returns how many messages were queued again.
 * @throws {AfilnetValidationError} `INVALID_CONFIG` when the checkpoint is in use or is not one.
 */
export async function requeueFailed(
  checkpoint: InboundCheckpoint,
  failed: FailedDeliveries,
): Promise<number> {
  const state = (await checkpoint.open()) ?? createInboundState();
  try {
    const entries = await failed.list();
    if (entries.length === 0) return 0;
    const pending = new Set(state.pending.map((m) => m.messageId));
    for (const entry of entries)
      if (!pending.has(entry.message.messageId)) state.pending.push(entry.message);
    await checkpoint.save(state);
    await failed.remove(entries.map((e) => e.webhookId));
    return entries.length;
  } finally {
    await checkpoint.close();
  }
}
