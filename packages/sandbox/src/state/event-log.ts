/**
 * The sandbox's event stream in memory: every event gets the next id, the latest ones are kept
 * for clients that resume with `Last-Event-ID`, and live listeners get each event as it happens.
 */
import { RetainedList } from './retained-list.js';
import type { SandboxEvent, SandboxMessage, SandboxRequest } from './sandbox-event.js';

/** How many events are kept for resuming: enough for a long debugging session, bounded under load. */
export const RETAINED_EVENTS = 10_000;

/** An event's data before the log gives it its id. */
export type EventInput =
  | { readonly type: 'message'; readonly data: Omit<SandboxMessage, 'id'> }
  | { readonly type: 'request'; readonly data: Omit<SandboxRequest, 'id'> }
  | { readonly type: 'reset'; readonly data: Record<string, never> };

/** Called with each event as it is appended. */
export type EventListener = (event: SandboxEvent) => void;

/** The ordered, bounded log of events with live subscribers. */
export class EventLog {
  readonly #events = new RetainedList<SandboxEvent>(RETAINED_EVENTS);
  #lastId = 0;
  readonly #listeners = new Set<EventListener>();

  /** Appends an event with the next id, tells every listener, and returns it. */
  append(input: EventInput): SandboxEvent {
    const event = { type: input.type, data: { ...input.data, id: ++this.#lastId } } as SandboxEvent;
    if (event.type === 'reset') this.#events.clear();
    this.#events.push(event);
    for (const listener of this.#listeners) listener(event);
    return event;
  }

  /**
   * The events after `lastId`, oldest first. When events after it were already dropped, the
   * answer starts with a `reset` so that the client starts over instead of missing some silently
   * (its id is that of the first kept event minus one, so the client's next resume point is right).
   */
  since(lastId: number): SandboxEvent[] {
    const events = this.#events.items();
    const first = events[0];
    if (first === undefined) return [];
    if (lastId >= first.data.id - 1) return events.filter((e) => e.data.id > lastId);
    if (first.type === 'reset') return events;
    return [{ type: 'reset', data: { id: first.data.id - 1 } }, ...events];
  }

  /** Calls `listener` with every event appended from now on; returns the unsubscribe function. */
  subscribe(listener: EventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
