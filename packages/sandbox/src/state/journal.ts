/**
 * What the sandbox saw: its messages and API calls as `SandboxMessage` and `SandboxRequest`, each
 * change also appended to the event stream. The control API and the `Sandbox` object read from here.
 */
import type { StateObserver, StoredMessage } from './sandbox-state.js';
import { EventLog, RETAINED_EVENTS } from './event-log.js';
import { matchesFilter } from './match-filter.js';
import { RequestCounts, type RequestCountFilter } from './request-counts.js';
import { RetainedList } from './retained-list.js';
import type { SandboxMessage, SandboxRequest } from './sandbox-event.js';

/** Fields a message filter may name, compared by equality. */
export type MessageFilter = Partial<Omit<SandboxMessage, 'file'>>;
/** Fields a request filter may name, compared by equality. */
export type RequestFilter = Partial<SandboxRequest>;

function messageOf(account: string, stored: StoredMessage): Omit<SandboxMessage, 'id'> {
  return {
    account,
    platform: stored.platform,
    platformId: stored.platformId,
    destination: stored.destination,
    direction: stored.sent ? 'outbound' : 'inbound',
    message: stored.message,
    messageId: stored.messageId,
    datetime: stored.datetime,
    status: stored.status,
    sent: stored.sent,
    ...(stored.file === undefined ? {} : { file: { ...stored.file } }),
  };
}

/**
 * How many messages the journal keeps, so that a long-running sandbox stays bounded: past it, the
 * messages of the conversations that have been quiet the longest are dropped, whole.
 */
export const RETAINED_MESSAGES = 100_000;

/** The sandbox's record of messages and requests, feeding the event log. */
export class Journal implements StateObserver {
  readonly events = new EventLog();
  /** By message id, in the order the messages were stored; each the latest event's data. */
  readonly #messages = new Map<string, SandboxMessage>();
  readonly #requests = new RetainedList<SandboxRequest>(RETAINED_EVENTS);
  readonly #counts = new RequestCounts();
  /** The ids of each conversation's kept messages; the conversation quiet the longest first. */
  readonly #conversations = new Map<string, Set<string>>();
  /** The newest message id seen: the store's ids only grow, even across resets. */
  #newestId = 0;

  /** Publishes a stored message, or its new status, as a `message` event. */
  messageChanged(user: string, stored: StoredMessage): void {
    const event = this.events.append({ type: 'message', data: messageOf(user, stored) });
    if (event.type !== 'message') return;
    const id = stored.messageId;
    if (this.#messages.has(id)) {
      this.#messages.set(id, event.data);
      return;
    }
    // A status change of a message dropped already does not bring it back.
    if (Number(id) <= this.#newestId) return;
    this.#newestId = Number(id);
    this.#messages.set(id, event.data);
    const key = JSON.stringify([user, stored.platform, stored.platformId, stored.destination]);
    const ids = this.#conversations.get(key) ?? new Set<string>();
    this.#conversations.delete(key);
    this.#conversations.set(key, ids.add(id));
    this.#dropPastLimit();
  }

  /** Drops the conversations quiet the longest until {@link RETAINED_MESSAGES} are left at most. */
  #dropPastLimit(): void {
    for (const [key, ids] of this.#conversations) {
      if (this.#messages.size <= RETAINED_MESSAGES) return;
      if (this.#conversations.size === 1) {
        // Only the active conversation is left: its oldest messages go.
        for (const id of ids) {
          if (this.#messages.size <= RETAINED_MESSAGES) return;
          ids.delete(id);
          this.#messages.delete(id);
        }
        return;
      }
      for (const id of ids) this.#messages.delete(id);
      this.#conversations.delete(key);
    }
  }

  /** Publishes an API call as a `request` event; the latest {@link RETAINED_EVENTS} are kept. */
  requestAnswered(request: Omit<SandboxRequest, 'id'>): void {
    const event = this.events.append({ type: 'request', data: request });
    if (event.type !== 'request') return;
    this.#requests.push(event.data);
    this.#counts.add(request);
  }

  /** Forgets every message and request, and publishes a `reset` event. */
  reset(): void {
    this.#messages.clear();
    this.clearRequests();
    this.#conversations.clear();
    this.events.append({ type: 'reset', data: {} });
  }

  /** Forgets every request and sets the request counts to zero; messages and the event stream stay. */
  clearRequests(): void {
    this.#requests.clear();
    this.#counts.clear();
  }

  /** The message with this id, or undefined. */
  message(messageId: string): SandboxMessage | undefined {
    const found = this.#messages.get(messageId);
    return found === undefined ? undefined : { ...found };
  }

  /** The messages matching `filter`, oldest first. */
  messages(filter: MessageFilter | Readonly<Record<string, string>> = {}): SandboxMessage[] {
    return [...this.#messages.values()]
      .filter((m) => matchesFilter(m, filter))
      .map((m) => ({ ...m }));
  }

  /** The requests matching `filter`, oldest first. */
  requests(filter: RequestFilter | Readonly<Record<string, string>> = {}): SandboxRequest[] {
    return this.#requests.filter((r) => matchesFilter(r, filter)).map((r) => ({ ...r }));
  }

  /** How many requests matching `filter` were answered since the last reset, by method. */
  requestCounts(
    filter: RequestCountFilter | Readonly<Record<string, string>> = {},
  ): Record<string, number> {
    return this.#counts.byMethod(filter);
  }
}
