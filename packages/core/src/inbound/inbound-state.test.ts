import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { acknowledgeInbound, createInboundState, type InboundMessage } from './inbound-state.js';

const message = (messageId: string): InboundMessage => ({
  platform: 'whatsapp',
  platformId: '100',
  destination: '34600000001',
  messageId,
  message: `text ${messageId}`,
  sent: false,
  status: 'unread',
  datetime: '2024-05-01 10:00:00',
});

/** What acknowledging meant before the head was taken off: one pass keeping the others. */
function acknowledgeByFilter(pending: readonly InboundMessage[], ids: Iterable<string>) {
  const done = new Set(ids);
  return pending.filter((m) => !done.has(m.messageId));
}

describe('acknowledgeInbound', () => {
  it('removes exactly the acknowledged messages, in place of a pass over every pending one', () => {
    // Pending ids are unique (a poll never takes a message already pending); acknowledged ids may
    // be the head (the usual case), any subset, or ids no longer pending.
    const ids = fc.uniqueArray(fc.integer({ min: 0, max: 60 }), { maxLength: 30 });
    fc.assert(
      fc.property(
        ids,
        fc.nat({ max: 30 }),
        fc.array(fc.integer({ min: 0, max: 80 }), { maxLength: 10 }),
        (pendingIds, headCount, others) => {
          const state = createInboundState();
          state.pending = pendingIds.map((id) => message(String(id)));
          const acknowledged = [
            ...pendingIds.slice(0, headCount).map(String),
            ...others.map(String),
          ];
          const expected = acknowledgeByFilter(state.pending, acknowledged);
          const removed = acknowledgeInbound(state, acknowledged);
          expect(state.pending).toEqual(expected);
          expect(removed).toBe(pendingIds.length - expected.length);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('forgets the retry window of each acknowledged message', () => {
    const state = createInboundState();
    state.pending = [message('1'), message('2')];
    state.firstAttemptAt = { '1': 10, '2': 20 };
    expect(acknowledgeInbound(state, ['1'])).toBe(1);
    expect(state.firstAttemptAt).toEqual({ '2': 20 });
    expect(acknowledgeInbound(state, ['2'])).toBe(1);
    expect(state.firstAttemptAt).toBeUndefined();
    expect(state.pending).toEqual([]);
  });
});
