/** What the inbox page knows, built from the event stream alone. */
import type { SandboxMessage, SandboxRequest } from '@afilnet-chat/sandbox';

/** How many API calls the page keeps: the latest, enough to follow a session. */
export const SHOWN_REQUESTS = 200;

/** One conversation: an account's channel and a contact. */
export interface Conversation {
  readonly key: string;
  readonly account: string;
  readonly platform: string;
  readonly platformId: string;
  readonly destination: string;
  /** By message id, in the order they were stored. */
  readonly messages: Map<string, SandboxMessage>;
  /** The id of the latest event about it, to list the liveliest first. */
  lastEventId: number;
}

/** The key of a message's conversation. */
export function conversationKey(
  m: Pick<SandboxMessage, 'account' | 'platform' | 'platformId' | 'destination'>,
): string {
  return JSON.stringify([m.account, m.platform, m.platformId, m.destination]);
}

/** The inbound messages the account has not read through the API yet. */
export function unreadCount(conversation: Conversation): number {
  let count = 0;
  for (const m of conversation.messages.values())
    if (m.direction === 'inbound' && m.status === 'unread') count += 1;
  return count;
}

/** The page's state. */
export class InboxStore {
  readonly conversations = new Map<string, Conversation>();
  requests: SandboxRequest[] = [];
  selected: string | undefined;

  /** Adds a message, or updates it when its status changed; answers its conversation. */
  addMessage(message: SandboxMessage): Conversation {
    const key = conversationKey(message);
    let conversation = this.conversations.get(key);
    if (conversation === undefined) {
      conversation = {
        key,
        account: message.account,
        platform: message.platform,
        platformId: message.platformId,
        destination: message.destination,
        messages: new Map(),
        lastEventId: 0,
      };
      this.conversations.set(key, conversation);
    }
    // A status change (read through the API) updates the message without reordering the list.
    if (!conversation.messages.has(message.messageId)) conversation.lastEventId = message.id;
    conversation.messages.set(message.messageId, message);
    this.selected ??= key;
    return conversation;
  }

  /** Adds an API call, keeping the latest {@link SHOWN_REQUESTS}. */
  addRequest(request: SandboxRequest): void {
    this.requests.push(request);
    if (this.requests.length > SHOWN_REQUESTS)
      this.requests.splice(0, this.requests.length - SHOWN_REQUESTS);
  }

  /** Forgets everything, as the sandbox did. */
  reset(): void {
    this.conversations.clear();
    this.requests = [];
    this.selected = undefined;
  }

  /** The conversations, the one with the latest activity first. */
  ordered(): Conversation[] {
    return [...this.conversations.values()].sort((a, b) => b.lastEventId - a.lastEventId);
  }

  /** The open conversation, if any. */
  open(): Conversation | undefined {
    return this.selected === undefined ? undefined : this.conversations.get(this.selected);
  }
}
