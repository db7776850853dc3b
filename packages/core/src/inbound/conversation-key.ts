/**
 * The one name of a conversation, used for ordering, checkpoints and (in a fleet) job ids.
 */
import type { ConversationRef } from '../wire/chat-types.js';

/** The fields that name a conversation; a `ChatMessage` has them too. */
export type ConversationFields = Pick<ConversationRef, 'platformId' | 'destination'> & {
  /** The channel's platform, as a string so that a result's unknown platform fits too. */
  readonly platform: string;
};

/**
 * The key of a conversation: `platform/platformId/destination`, each part percent-encoded
 * (`encodeURIComponent`), so that no part can run into the next, and the key holds no `:` (which
 * BullMQ does not allow in a custom job id).
 *
 * @example conversationKey({ platform: 'whatsapp', platformId: '100', destination: '34600000000' }) // 'whatsapp/100/34600000000'
 */
export function conversationKey(ref: ConversationFields): string {
  return `${encodeURIComponent(ref.platform)}/${encodeURIComponent(ref.platformId)}/${encodeURIComponent(ref.destination)}`;
}
