import { describe, expect, it } from 'vitest';
import { EventLog, RETAINED_EVENTS } from './event-log.js';

const request = { flavour: 'post', method: 'getchats', status: 200, durationMs: 1 } as const;

describe('EventLog', () => {
  it('numbers events and gives those after a resume point', () => {
    const log = new EventLog();
    for (let i = 0; i < 3; i++) log.append({ type: 'request', data: request });
    expect(log.since(0).map((e) => e.data.id)).toEqual([1, 2, 3]);
    expect(log.since(2).map((e) => e.data.id)).toEqual([3]);
    expect(log.since(3)).toEqual([]);
  });

  it('starts over at a reset: what came before it is gone', () => {
    const log = new EventLog();
    log.append({ type: 'request', data: request });
    log.append({ type: 'reset', data: {} });
    log.append({ type: 'request', data: request });
    expect(log.since(0).map((e) => [e.type, e.data.id])).toEqual([
      ['reset', 2],
      ['request', 3],
    ]);
    expect(log.since(1).map((e) => e.data.id)).toEqual([2, 3]);
  });

  it('keeps the latest events only, and tells a client that fell behind to start over', () => {
    const log = new EventLog();
    for (let i = 0; i < RETAINED_EVENTS + 5; i++) log.append({ type: 'request', data: request });
    const replay = log.since(1);
    expect(replay[0]).toEqual({ type: 'reset', data: { id: 5 } });
    expect(replay.slice(1).map((e) => e.data.id)).toEqual(
      Array.from({ length: RETAINED_EVENTS }, (_, i) => i + 6),
    );
    expect(log.since(5)).toHaveLength(RETAINED_EVENTS);
  });

  it('tells live listeners of every event until they unsubscribe', () => {
    const log = new EventLog();
    const seen: number[] = [];
    const unsubscribe = log.subscribe((e) => seen.push(e.data.id));
    log.append({ type: 'request', data: request });
    unsubscribe();
    log.append({ type: 'request', data: request });
    expect(seen).toEqual([1]);
  });
});
