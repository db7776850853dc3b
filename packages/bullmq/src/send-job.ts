/**
 * A send as a BullMQ job: its data, and its id derived from the idempotency key.
 */
import type { SendFileInput, SendMessageInput } from '@afilnet-chat/core';

/** The data of a send job: the method and its input, as validated when queued. */
export type SendJobData =
  | { readonly idempotencyKey: string; readonly method: 'sendmessage'; readonly input: SendMessageInput }
  | { readonly idempotencyKey: string; readonly method: 'sendfile'; readonly input: SendFileInput };

/**
 * The job id of an idempotency key. BullMQ refuses ids that are integers or contain `:`, so the
 * key is prefixed and `%` and `:` are percent-encoded: one key, one id, and back. Throws nothing.
 */
export function jobIdOf(idempotencyKey: string): string {
  return `key-${idempotencyKey.replace(/%/g, '%25').replace(/:/g, '%3A')}`;
}
