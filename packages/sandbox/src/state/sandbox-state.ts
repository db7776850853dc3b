/**
 * The sandbox's data: accounts, their channels, conversations and messages. Every front door
 * (HTTP, Basic, SOAP, JSON) reads and writes this one store, so the flavours agree.
 */

/** The platforms the API documents. */
export const SANDBOX_PLATFORMS = ['webchat', 'whatsapp', 'telegram', 'operator'] as const;

/** A channel of an account. */
export interface SandboxChannel {
  /** `whatsapp`, `telegram`, `webchat` or `operator`. */
  readonly platform: string;
  /** The channel's identifier (`"100"`). */
  readonly platformId: string;
  /** What `getchatchannels` gives as its name. */
  readonly name: string;
}

/** An account the sandbox knows. */
export interface SandboxAccount {
  /** The account's user (an e-mail address). */
  readonly user: string;
  /** Its password. */
  readonly password: string;
  /** Its channels. */
  readonly channels: readonly SandboxChannel[];
}

/** A stored message, as the sandbox keeps it. */
export interface StoredMessage {
  /** The id the API gives the message. */
  readonly messageId: string;
  /** The channel's platform. */
  readonly platform: string;
  /** The channel's identifier. */
  readonly platformId: string;
  /** The contact's side of the conversation. */
  readonly destination: string;
  /** The text (a file's caption). */
  readonly message: string;
  /** True for outbound (sent by the account), false for inbound. */
  readonly sent: boolean;
  /** `sent` for outbound, `unread` then `read` (once `getunreadmessages` returned it) for inbound. */
  status: 'sent' | 'unread' | 'read';
  /** When it was stored, `YYYY-MM-DD HH:MM:SS` in UTC. */
  readonly datetime: string;
  /** For `sendfile`: the file's type and URLs. */
  readonly file?: {
    /** The file type, as sent. */
    readonly type: string;
    /** The file's URL. */
    readonly fileUrl: string;
    /** The thumbnail's URL. */
    readonly thumbUrl?: string;
  };
}

/** The account every sandbox starts with. */
export const DEMO_ACCOUNT: SandboxAccount = {
  user: 'demo@example.com',
  password: 'demo-password',
  channels: [
    { platform: 'whatsapp', platformId: '100', name: 'Demo WhatsApp' },
    { platform: 'telegram', platformId: '200', name: 'Demo Telegram' },
    { platform: 'webchat', platformId: '300', name: 'Demo Web chat' },
    { platform: 'operator', platformId: '400', name: 'Demo Operator' },
  ],
};

/** `YYYY-MM-DD HH:MM:SS` in UTC, as the live service writes dates. */
export function formatDatetime(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}

/** One conversation: its messages oldest first, and those inbound ones not yet read. */
interface ConversationData {
  readonly messages: StoredMessage[];
  /** The inbound messages `getunreadmessages` has not returned yet, oldest first. */
  unread: StoredMessage[];
}

interface ChannelData {
  readonly channel: SandboxChannel;
  /**
   * Conversations by destination, the least recently written first: each append moves its
   * conversation to the end, so `getchats` lists newest first by walking the map backwards,
   * without sorting.
   */
  readonly conversations: Map<string, ConversationData>;
}

interface AccountData {
  /**
   * The account as `account()` answers it; its `channels` array grows with `addChannel`, and
   * `setPassword` replaces the object (keeping that array).
   */
  account: SandboxAccount;
  readonly channelList: SandboxChannel[];
  /** By `platform|platformId`. */
  readonly channels: Map<string, ChannelData>;
}

const channelKey = (platform: string, platformId: string) => `${platform}|${platformId}`;

/** Told of every change to the stored messages (the event stream listens here). */
export interface StateObserver {
  /** A message of `user`'s account was stored, or its status changed. */
  messageChanged(user: string, message: StoredMessage): void;
}

/**
 * The store behind every door, indexed for an account with thousands of conversations: a
 * channel's conversations are found without looking at other channels, a conversation's messages
 * without looking at other conversations, and its unread messages without looking at read ones.
 */
export class SandboxState {
  readonly #accounts = new Map<string, AccountData>();
  readonly #observer: StateObserver | undefined;
  /** Message ids keep growing across resets, so that an id never names two messages. */
  #nextId = 1;
  /** The current second and its text: a bulk injection stores thousands of messages within one. */
  #second = { at: -1, text: '' };

  constructor(accounts: readonly SandboxAccount[], observer?: StateObserver) {
    for (const account of accounts) {
      const channelList: SandboxChannel[] = [];
      const data: AccountData = {
        account: { user: account.user, password: account.password, channels: channelList },
        channelList,
        channels: new Map(),
      };
      this.#accounts.set(account.user, data);
      for (const channel of account.channels) this.#addChannel(data, channel);
    }
    this.#observer = observer;
  }

  /**
   * Changes the password of `user`'s account, as an operator rotating it would: requests with
   * the old password are refused from now on. Throws when there is no such account.
   */
  setPassword(user: string, password: string): void {
    const data = this.#accounts.get(user);
    if (data === undefined) throw new Error(`no sandbox account ${user}`);
    data.account = { ...data.account, password };
  }

  /** The account with this user, or undefined. */
  account(user: string): SandboxAccount | undefined {
    return this.#accounts.get(user)?.account;
  }

  /** The channel of `user` with this platform and id, or undefined. */
  channel(user: string, platform: string, platformId: string): SandboxChannel | undefined {
    return this.#accounts.get(user)?.channels.get(channelKey(platform, platformId))?.channel;
  }

  /**
   * Adds a channel to `user`'s account; a channel with the same platform and id is kept as it is.
   * Answers whether it was added.
   *
   * @throws {Error} when the account does not exist.
   */
  addChannel(user: string, channel: SandboxChannel): boolean {
    const data = this.#accounts.get(user);
    if (!data) throw new Error(`no sandbox account ${JSON.stringify(user)}`);
    return this.#addChannel(data, channel);
  }

  #addChannel(data: AccountData, channel: SandboxChannel): boolean {
    const key = channelKey(channel.platform, channel.platformId);
    if (data.channels.has(key)) return false;
    const copy: SandboxChannel = {
      platform: channel.platform,
      platformId: channel.platformId,
      name: channel.name,
    };
    data.channels.set(key, { channel: copy, conversations: new Map() });
    data.channelList.push(copy);
    return true;
  }

  /** The conversation's messages, oldest first, or undefined when it was never opened. */
  conversation(
    user: string,
    platform: string,
    platformId: string,
    destination: string,
  ): readonly StoredMessage[] | undefined {
    return this.#conversation(user, platform, platformId, destination)?.messages;
  }

  #conversation(
    user: string,
    platform: string,
    platformId: string,
    destination: string,
  ): ConversationData | undefined {
    return this.#accounts
      .get(user)
      ?.channels.get(channelKey(platform, platformId))
      ?.conversations.get(destination);
  }

  /** The latest message of each conversation of a channel, newest first: one step per conversation. */
  latestPerConversation(user: string, platform: string, platformId: string): StoredMessage[] {
    const conversations = this.#accounts
      .get(user)
      ?.channels.get(channelKey(platform, platformId))?.conversations;
    if (!conversations) return [];
    const latest: StoredMessage[] = [];
    for (const { messages } of conversations.values()) {
      const last = messages[messages.length - 1];
      if (last !== undefined) latest.push(last);
    }
    return latest.reverse();
  }

  #now(): string {
    const at = Math.floor(Date.now() / 1000);
    if (at !== this.#second.at) this.#second = { at, text: formatDatetime(new Date(at * 1000)) };
    return this.#second.text;
  }

  /**
   * Stores a message, opening the conversation if needed.
   *
   * @throws {Error} when the account or its channel does not exist.
   */
  append(
    user: string,
    message: Omit<StoredMessage, 'messageId' | 'datetime' | 'status'> & {
      status?: StoredMessage['status'];
    },
  ): StoredMessage {
    const channel = this.#accounts
      .get(user)
      ?.channels.get(channelKey(message.platform, message.platformId));
    if (!channel)
      throw new Error(
        `account ${JSON.stringify(user)} has no ${message.platform} channel ${message.platformId}`,
      );
    const stored: StoredMessage = {
      ...message,
      messageId: String(this.#nextId++),
      status: message.status ?? (message.sent ? 'sent' : 'unread'),
      datetime: this.#now(),
    };
    let conversation = channel.conversations.get(message.destination);
    if (conversation) channel.conversations.delete(message.destination);
    else conversation = { messages: [], unread: [] };
    // Re-inserted at the end: the map stays ordered by latest message.
    channel.conversations.set(message.destination, conversation);
    conversation.messages.push(stored);
    if (!stored.sent && stored.status === 'unread') conversation.unread.push(stored);
    this.#observer?.messageChanged(user, stored);
    return stored;
  }

  /**
   * The conversation's unread inbound messages, oldest first, as they were before this call
   * marked them read (as `getunreadmessages` does); empty when there are none or the conversation
   * was never opened. One step per unread message.
   */
  takeUnread(
    user: string,
    platform: string,
    platformId: string,
    destination: string,
  ): StoredMessage[] {
    const conversation = this.#conversation(user, platform, platformId, destination);
    if (!conversation || conversation.unread.length === 0) return [];
    const unread = conversation.unread;
    conversation.unread = [];
    const before = unread.map((m) => ({ ...m }));
    for (const m of unread) {
      m.status = 'read';
      this.#observer?.messageChanged(user, m);
    }
    return before;
  }

  /** Forgets every conversation of every account; accounts and channels stay. */
  clear(): void {
    for (const data of this.#accounts.values())
      for (const channel of data.channels.values()) channel.conversations.clear();
  }
}
