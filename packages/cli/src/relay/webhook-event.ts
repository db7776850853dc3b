/**
 * What the relay posts for one inbound message: its `webhook-id`, derived from the message so
 * that every attempt (and every relay process) gives the same one, and its JSON body.
 *
 * @see https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md
 */
import { createHash } from 'node:crypto';
import type { ChatMessage } from '@afilnet-chat/core';

/** The event type of an inbound message. */
export const MESSAGE_RECEIVED = 'message.received';

/** The body of one delivery. */
export interface WebhookEvent {
  readonly type: typeof MESSAGE_RECEIVED;
  /** When the relay took the message in, RFC 3339 (UTC). */
  readonly timestamp: string;
  /** The message as `getunreadmessages` gave it (`sent: false`). */
  readonly data: ChatMessage;
}

/**
 * The `webhook-id` of `message` received on `account`: `msg_` and the base64url SHA-256 of the
 * account, the channel and the `messageId`. The same message always gets the same id, on every
 * retry and in every relay process, so receivers de-duplicate on it; it reveals neither the
 * account nor the contact.
 */
export function webhookId(
  account: string,
  message: Pick<ChatMessage, 'platform' | 'platformId' | 'messageId'>,
): string {
  const digest = createHash('sha256')
    .update(
      JSON.stringify([
        'afilnet-chat/message.received',
        account,
        message.platform,
        message.platformId,
        message.messageId,
      ]),
    )
    .digest('base64url');
  return `msg_${digest}`;
}

/**
 * The JSON body for `message`, taken in at `takenAt` (ms since the epoch).
 *
 * @see https://www.rfc-editor.org/rfc/rfc3339#section-5.6
 */
export function webhookBody(message: ChatMessage, takenAt: number): string {
  const event: WebhookEvent = {
    type: MESSAGE_RECEIVED,
    timestamp: new Date(takenAt).toISOString(),
    data: message,
  };
  return JSON.stringify(event);
}
