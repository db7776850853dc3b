/**
 * A send as a BullMQ job: its data, and its id derived from the idempotency key.
 */
import type { SendFileInput, SendMessageInput } from '@afilnet-chat/core';
import type { TraceCarrier } from './trace-context.js';

/** The data of a send job: the method and its input, as validated when queued. */
export type SendJobData =
  | {
      /** The key the send was queued under. */
      readonly idempotencyKey: string;
      /** A text message. */
      readonly method: 'sendmessage';
      /** The message, validated when queued. */
      readonly input: SendMessageInput;
      /** The trace context of the code that queued it. */
      readonly traceContext?: TraceCarrier;
    }
  | {
      /** The key the send was queued under. */
      readonly idempotencyKey: string;
      /** A file. */
      readonly method: 'sendfile';
      /** The file, validated when queued. */
      readonly input: SendFileInput;
      /** The trace context of the code that queued it. */
      readonly traceContext?: TraceCarrier;
    };

/**
 * The job id of an idempotency key. BullMQ refuses ids that are integers or contain `:`, so the
 * key is prefixed and `%` and `:` are percent-encoded: one key, one id, and back. Throws nothing.
 */
export function jobIdOf(idempotencyKey: string): string {
  return `key-${idempotencyKey.replace(/%/g, '%25').replace(/:/g, '%3A')}`;
}
