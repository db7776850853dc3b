/**
 * What the sandbox saw: its messages and API calls in the shapes of SPEC §12, each change also
 * appended to the event stream. The control API and the `Sandbox` object read from here.
 */
import type { StateObserver, StoredMessage } from '../sandbox-state.js';
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

/** The sandbox's record of messages and requests, feeding the event log. */
export class Journal implements StateObserver {
  readonly events = new EventLog();
  /** By message id, in the order the messages were stored; each the latest event's data. */
  readonly #messages = new Map<string, SandboxMessage>();
  readonly #requests = new RetainedList<SandboxRequest>(RETAINED_EVENTS);
  readonly #counts = new RequestCounts();

  /** Publishes a stored message, or its new status, as a `message` event. */
  messageChanged(user: string, stored: StoredMessage): void {
    const event = this.events.append({ type: 'message', data: messageOf(user, stored) });
    if (event.type === 'message') this.#messages.set(stored.messageId, event.data);
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
    return [...this.#messages.values()].filter((m) => matchesFilter(m, filter)).map((m) => ({ ...m }));
  }

  /** The requests matching `filter`, oldest first. */
  requests(filter: RequestFilter | Readonly<Record<string, string>> = {}): SandboxRequest[] {
    return this.#requests.filter((r) => matchesFilter(r, filter)).map((r) => ({ ...r }));
  }

  /** How many requests matching `filter` were answered since the last reset, by method. */
  requestCounts(filter: RequestCountFilter | Readonly<Record<string, string>> = {}): Record<string, number> {
    return this.#counts.byMethod(filter);
  }
}
