import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../wire/chat-types.js';
import { type ListingFilter, readListFiltered } from '../wire/listing-filter.js';
import { createInboundState } from './inbound-state.js';
import { KnownListing } from './known-listing.js';

const CHATS = 20;
const MOVING = 5;

/** Poll `poll`'s answer: the first MOVING chats have a new latest message each poll. */
const itemsOf = (poll: number) =>
  Array.from({ length: CHATS }, (_, n) => ({
    platformid: '100',
    platform: 'whatsapp',
    destination: `+346000${n}`,
    messageid: n < MOVING ? `m-${n}-${poll}` : `m-${n}`,
    message: `message ${n}`,
    sent: '0',
    status: 'unread',
    datetime: '2026-12-07 10:00:00',
  }));

/**
 * Reads poll `poll`'s answer through `filter` and decodes what it kept, as the poll does (the
 * client's decoder left out: these chats are all of one shape).
 */
function readThrough(filter: ListingFilter, poll: number): ChatMessage[] {
  const body = Buffer.from(JSON.stringify({ status: 'success', result: itemsOf(poll) }));
  const payload = readListFiltered(body, filter) as {
    value: { result: ReturnType<typeof itemsOf> };
  };
  return payload.value.result.map((item) => ({
    platformId: item.platformid,
    platform: 'whatsapp',
    destination: item.destination,
    messageId: item.messageid,
    message: item.message,
    sent: false,
    status: item.status,
    datetime: item.datetime,
  }));
}

describe('KnownListing', () => {
  it('leaves out the chats whose conversation has not moved, and holds at most twice an answer (and 16) however many polls pass', () => {
    const state = createInboundState();
    const listing = new KnownListing();
    for (let poll = 0; poll < 50; poll++) {
      const filter = listing.filterFor(state);
      // What the poll does with what was kept: decode it, read the conversation, move its marker.
      const list = readThrough(filter, poll);
      const keys = list.map((m) => m.destination);
      for (const m of list)
        state.conversations[m.destination] = {
          platform: 'whatsapp',
          platformId: '100',
          destination: m.destination,
          marker: m.messageId,
        };
      listing.update(filter, list, keys);

      expect(list).toHaveLength(poll === 0 ? CHATS : MOVING);
      expect(filter.skippedCount).toBe(poll === 0 ? 0 : CHATS - MOVING);
      // The moving chats' earlier messages are let go once they would double the listing.
      expect(listing.size).toBeLessThanOrEqual(2 * CHATS + 16);
    }
    expect(listing.size).toBeGreaterThan(CHATS);
  });

  it('takes in only the answer of the filter it made last, and starts over otherwise', () => {
    const state = createInboundState();
    const listing = new KnownListing();
    const read = (filter: ListingFilter) => {
      const list = readThrough(filter, 0);
      return { list, keys: list.map(() => undefined) };
    };
    const first = listing.filterFor(state);
    const { list, keys } = read(first);
    listing.update(first, list, keys);
    expect(listing.size).toBe(CHATS);
    // A filter made since, then an answer of the earlier one: the listing no longer trusts it.
    const stale = listing.filterFor(state);
    listing.filterFor(state);
    const again = read(stale);
    expect(again.list).toHaveLength(0);
    listing.update(stale, again.list, again.keys);
    expect(listing.size).toBe(0);
  });
});
