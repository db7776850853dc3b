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

interface AccountData {
  readonly account: SandboxAccount;
  /** Conversations by `platform|platformId|destination`, messages in order. */
  readonly chats: Map<string, StoredMessage[]>;
}

const chatKey = (platform: string, platformId: string, destination: string) => `${platform}|${platformId}|${destination}`;

/** Told of every change to the stored messages (the event stream listens here). */
export interface StateObserver {
  /** A message of `user`'s account was stored, or its status changed. */
  messageChanged(user: string, message: StoredMessage): void;
}

/** The store behind every door. */
export class SandboxState {
  readonly #accounts = new Map<string, AccountData>();
  readonly #observer: StateObserver | undefined;
  /** Message ids keep growing across resets, so that an id never names two messages. */
  #nextId = 1;

  constructor(accounts: readonly SandboxAccount[], observer?: StateObserver) {
    for (const account of accounts) {
      this.#accounts.set(account.user, { account, chats: new Map() });
    }
    this.#observer = observer;
  }

  /** The account with this user, or undefined. */
  account(user: string): SandboxAccount | undefined {
    return this.#accounts.get(user)?.account;
  }

  /** The channel of `user` with this platform and id, or undefined. */
  channel(user: string, platform: string, platformId: string): SandboxChannel | undefined {
    return this.account(user)?.channels.find((c) => c.platform === platform && c.platformId === platformId);
  }

  /** The conversation's messages, or undefined when it was never opened. */
  conversation(user: string, platform: string, platformId: string, destination: string): StoredMessage[] | undefined {
    return this.#accounts.get(user)?.chats.get(chatKey(platform, platformId, destination));
  }

  /** The latest message of each conversation of a channel, newest first. */
  latestPerConversation(user: string, platform: string, platformId: string): StoredMessage[] {
    const data = this.#accounts.get(user);
    if (!data) return [];
    const latest: StoredMessage[] = [];
    for (const messages of data.chats.values()) {
      const last = messages[messages.length - 1];
      if (last && last.platform === platform && last.platformId === platformId) latest.push(last);
    }
    return latest.sort((a, b) => Number(b.messageId) - Number(a.messageId));
  }

  /** Stores a message, opening the conversation if needed. */
  append(
    user: string,
    message: Omit<StoredMessage, 'messageId' | 'datetime' | 'status'> & { status?: StoredMessage['status'] },
  ): StoredMessage {
    const data = this.#accounts.get(user);
    if (!data) throw new Error(`no sandbox account ${JSON.stringify(user)}`);
    const stored: StoredMessage = {
      ...message,
      messageId: String(this.#nextId++),
      status: message.status ?? (message.sent ? 'sent' : 'unread'),
      datetime: formatDatetime(new Date()),
    };
    const key = chatKey(message.platform, message.platformId, message.destination);
    const chat = data.chats.get(key);
    if (chat) chat.push(stored);
    else data.chats.set(key, [stored]);
    this.#observer?.messageChanged(user, stored);
    return stored;
  }

  /** Marks inbound messages of `user` read, as `getunreadmessages` does. */
  markRead(user: string, messages: readonly StoredMessage[]): void {
    for (const m of messages) {
      m.status = 'read';
      this.#observer?.messageChanged(user, m);
    }
  }

  /** Forgets every conversation of every account; accounts and channels stay. */
  clear(): void {
    for (const data of this.#accounts.values()) data.chats.clear();
  }

  /** Every message stored for `user` (all accounts when left out), oldest first; copies. */
  messages(user?: string): StoredMessage[] {
    const all: StoredMessage[] = [];
    for (const [name, data] of this.#accounts) {
      if (user !== undefined && name !== user) continue;
      for (const chat of data.chats.values()) for (const m of chat) all.push({ ...m });
    }
    return all.sort((a, b) => Number(a.messageId) - Number(b.messageId));
  }
}
