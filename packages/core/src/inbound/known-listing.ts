/**
 * What a listener knows of one channel's listing between its polls: the items of the channel's
 * recent `getchats` answers, by fingerprint, each with the conversation it names and the latest
 * message it gives. With it, the next answer's items that a poll would find unchanged are left
 * out of that answer unread (wire/listing-filter.ts): nearly all of them, poll after poll, and
 * reading the account's whole listing anew was most of a quiet poll's CPU.
 */
import type { ChatMessage } from '../wire/chat-types.js';
import { ListingFilter } from '../wire/listing-filter.js';
import type { InboundState } from './inbound-state.js';

/** An item of an answer: the rest of its fingerprint, its conversation and message. */
interface ListedItem {
  readonly check: number;
  /** `conversationKey` of its conversation; undefined for a platform the poll leaves out. */
  readonly key: string | undefined;
  readonly messageId: string;
  /** The last answer that listed it (the listing's `answers` then), left out or kept. */
  seen: number;
}

/**
 * One channel's listing, as `pollInbound` keeps it per state object and channel: a small record
 * per item (not the answer's text or values), updated in place, so that a quiet poll makes next
 * to no garbage that lives until the next one.
 */
export class KnownListing {
  private items = new Map<number, ListedItem>();
  /** How many filters the listing has made: the number of the answer being read. */
  private answers = 0;
  /** The filter of that answer: `update` takes in no other. */
  private current: ListingFilter | undefined;

  /**
   * A filter for the channel's next `getchats` on `state`: it leaves out an item that this
   * listing holds, byte for byte, when the poll would pass over it: its platform is one the poll
   * leaves out, or its conversation's marker in `state` is still the message it gives. That is
   * the test `changedLatest` makes of a parsed item, made without parsing it.
   */
  filterFor(state: InboundState): ListingFilter {
    const items = this.items;
    this.answers += 1;
    const answer = this.answers;
    this.current = new ListingFilter((key, check) => {
      const item = items.get(key);
      const skip =
        item !== undefined &&
        item.check === check &&
        (item.key === undefined || state.conversations[item.key]?.marker === item.messageId);
      // Marked rather than listed, so that `update` knows the answer's items without a list of
      // thousands made per read.
      if (skip) item.seen = answer;
      return skip;
    });
    return this.current;
  }

  /**
   * Takes in the answer that `filter` was used for: `list`, the items it kept (as decoded, in the
   * answer's order), and `keys`, their conversation keys (undefined where the poll leaves the
   * item out). An answer not read item by item empties the listing: the next one is read whole.
   * Items of earlier answers stay until the listing holds twice as many as the last answer, so
   * that a quiet poll neither walks nor copies the listing.
   */
  update(
    filter: ListingFilter,
    list: readonly ChatMessage[],
    keys: ReadonlyArray<string | undefined>,
  ): void {
    if (
      filter !== this.current ||
      !filter.read ||
      filter.kept.length !== 2 * list.length ||
      keys.length !== list.length
    ) {
      this.items.clear();
      return;
    }
    const { kept } = filter;
    const answer = this.answers;
    for (let i = 0; i < list.length; i++)
      this.items.set(kept[2 * i] as number, {
        check: kept[2 * i + 1] as number,
        key: keys[i],
        messageId: (list[i] as ChatMessage).messageId,
        seen: answer,
      });
    const answered = list.length + filter.skippedCount;
    if (this.items.size <= 2 * answered + 16) return;
    // Items of conversations that moved on since: only this answer's are kept.
    const current = new Map<number, ListedItem>();
    for (const [key, item] of this.items) if (item.seen === answer) current.set(key, item);
    this.items = current;
  }

  /** How many items the listing holds (for tests). */
  get size(): number {
    return this.items.size;
  }
}
