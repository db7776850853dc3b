/**
 * Reading a list answer that a caller asks for again and again — a listener's `getchats` of each
 * channel, on every poll — while leaving out the items the caller says it already knows, without
 * parsing them or making their text.
 *
 * `getchats` takes no "changed since" parameter, so each poll reads every conversation of the
 * account: at 10,000 conversations, two megabytes of JSON whose text, parsed objects and
 * decoded messages were most of a quiet listener's CPU (their collection included), though nearly
 * every item is the same, byte for byte, as in the previous poll's answer.
 *
 * The reader makes one pass over the bytes of the body's `result` array, in JavaScript (a call
 * into the runtime per item cost as much as `JSON.parse` of it), cutting it into its items (the
 * objects or arrays it holds, apart with commas) and taking a 64-bit fingerprint of each item's
 * bytes. An item whose fingerprint the caller's {@link ListingFilter} says to skip is left out;
 * the others are parsed, each alone, or the array in one parse when none is left out. The answer
 * is read as JSON (RFC 8259) reads it, or not at all: a body that is not an envelope whose
 * top-level `result` is such an array, or whose items do not each parse, answers `undefined`, and
 * the caller parses the body whole.
 *
 * What is exact and what is not: the items kept are the values `JSON.parse` of the whole body
 * gives, in their order. An item is skipped on its fingerprint, which the caller took from an
 * item it parsed before; two different items share one with a probability of about 2^-64 per
 * pair. The listener's safety sweep (every known conversation read, by default every 10
 * minutes) reads a conversation whatever its listing says.
 */
import type { WirePayload } from '../transport/transport.js';

/**
 * Where a call's options and its transport context carry a {@link ListingFilter}. A registry
 * symbol, as `ABORT_HOOK` is, so that one copy of core recognises a context made by another.
 */
export const LISTING_FILTER: unique symbol = Symbol.for('afilnet-chat.listingFilter') as never;

/**
 * What a caller of a repeated list read passes with the call (see {@link withListingFilter}):
 * which items to leave out, asked once per item during the read; and, once the call has
 * answered, the fingerprints of the items the answer kept (in its order) and how many it left
 * out. An item's fingerprint is two numbers: `key`, 53 bits of its bytes' 64-bit hash (to look
 * it up in a `Map`), and `check`, the hash's other 11 bits with the item's length in bytes (to
 * compare as well). `kept` holds them in pairs (`key`, `check`, `key`, `check`, …), plain
 * numbers rather than an object per item. The items left out are only counted: they are nearly
 * the whole answer on every poll, and a list of them would be that much garbage per read; the
 * caller learns which they were from its own `skip`, which answered true for exactly those.
 * `read` is false when the answer was not read item by item (the body was then parsed whole, or
 * the transport does not read bytes), and `kept` and `skippedCount` then say nothing.
 */
export class ListingFilter {
  read = false;
  kept: number[] = [];
  skippedCount = 0;

  /** `skip` tells whether the item of a fingerprint may be left out of the answer. */
  constructor(readonly skip: (key: number, check: number) => boolean) {}
}

/** `options` with `filter` added; what `listingFilterOf` finds in them. */
export function withListingFilter<T extends object>(options: T, filter: ListingFilter): T {
  return { ...options, [LISTING_FILTER]: filter };
}

/** The {@link ListingFilter} call options or a call context carry, if any. Throws nothing. */
export function listingFilterOf(options: object | undefined): ListingFilter | undefined {
  return (options as { readonly [LISTING_FILTER]?: ListingFilter } | undefined)?.[LISTING_FILTER];
}

const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const TWO_TO_32 = 2 ** 32;

/** JSON's whitespace (RFC 8259 §2). */
function isSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

/** The items of an answer as cut: fingerprints kept, where each lies, how many left out. */
interface Cut {
  readonly kept: number[];
  readonly starts: number[];
  readonly ends: number[];
  skipped: number;
}

/**
 * Files the item from `start` to `end` (exclusive), whose bytes hashed to `h1` and `h2`, as kept
 * or left out, as `filter` says.
 */
function takeItem(
  start: number,
  end: number,
  h1: number,
  h2: number,
  filter: ListingFilter,
  cut: Cut,
): void {
  const key = (h1 >>> 0) + (h2 >>> 11) * TWO_TO_32;
  const check = (h2 & 0x7ff) * TWO_TO_32 + (end - start);
  if (filter.skip(key, check)) cut.skipped += 1;
  else {
    cut.kept.push(key, check);
    cut.starts.push(start);
    cut.ends.push(end);
  }
}

/**
 * Cuts the array from `open` (its `[`) to `close` (its `]`) into its items, filing each in `cut`
 * as `filter` says; false when the bytes are not a JSON array of objects (or arrays) apart with
 * commas, which is every list this API answers. An item runs from its opening bracket to the one
 * that closes it, outside strings; its hash covers those bytes. Two FNV-1a lanes with different
 * primes make 64 bits.
 */
function cutItems(
  bytes: Buffer,
  open: number,
  close: number,
  filter: ListingFilter,
  cut: Cut,
): boolean {
  let depth = 0;
  let inString = false;
  // Whether an item may come next: at the start, and after a comma.
  let expectItem = true;
  let start = 0;
  // The hash is updated in place at each of its three sites: one site with flags for the escape
  // and the item's end cost the loop about a third more (1.86 against 1.45 ms a 592 KB answer).
  let h1 = 0;
  let h2 = 0;
  for (let i = open + 1; i < close; i++) {
    const byte = bytes[i] as number;
    if (inString) {
      if (byte === BACKSLASH) {
        // The escaped byte cannot end the string: both go into the hash as they are.
        h1 = Math.imul(h1 ^ byte, 0x01000193);
        h2 = Math.imul(h2 ^ byte, 0x5bd1e995);
        i++;
        const escaped = bytes[i] as number;
        h1 = Math.imul(h1 ^ escaped, 0x01000193);
        h2 = Math.imul(h2 ^ escaped, 0x5bd1e995);
        continue;
      }
      if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) {
      // A string item: not a list this reader cuts.
      if (depth === 0) return false;
      inString = true;
    } else if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) {
      if (depth === 0) {
        if (!expectItem) return false;
        expectItem = false;
        start = i;
        // Seeds as 32-bit integers (`| 0`): a value above 2^31 would be a double, and the hash
        // would go through heap numbers, several times slower.
        h1 = 0x811c9dc5 | 0;
        h2 = 0x3c6ef372 | 0;
      }
      depth++;
    } else if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) {
      if (depth === 0) return false;
      depth--;
      if (depth === 0) {
        h1 = Math.imul(h1 ^ byte, 0x01000193);
        h2 = Math.imul(h2 ^ byte, 0x5bd1e995);
        takeItem(start, i + 1, h1, h2, filter, cut);
        continue;
      }
    } else if (depth === 0) {
      if (byte === COMMA) {
        // A comma must follow an item, and an item must follow it.
        if (expectItem) return false;
        expectItem = true;
      } else if (!isSpace(byte)) return false;
      continue;
    }
    h1 = Math.imul(h1 ^ byte, 0x01000193);
    h2 = Math.imul(h2 ^ byte, 0x5bd1e995);
  }
  if (inString || depth !== 0) return false;
  // `[]` or `[ ]` hold no item; a comma before the `]` is not JSON.
  return !(expectItem && cut.kept.length + cut.skipped > 0);
}

/**
 * Reads a JSON answer `body` whose `result` is a list, leaving out the items `filter` says to
 * skip, and records in `filter` what it kept and left out. Answers the payload `JSON.parse` would
 * give for the whole body with those items taken out of `result`, or `undefined` (with
 * `filter.read` false) when the body cannot be read this way, which the caller then parses
 * whole. Throws nothing but what `filter.skip` throws.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8259 — the grammar the cutting follows.
 */
export function readListFiltered(body: Uint8Array, filter: ListingFilter): WirePayload | undefined {
  filter.read = false;
  filter.kept = [];
  filter.skippedCount = 0;
  const bytes = Buffer.isBuffer(body)
    ? body
    : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const open = bytes.indexOf(OPEN_ARRAY);
  const close = bytes.lastIndexOf(CLOSE_ARRAY);
  const envelope = open >= 0 && close > open ? parseEnvelope(bytes, open, close) : undefined;
  if (envelope === undefined) return undefined;

  const cut: Cut = { kept: [], starts: [], ends: [], skipped: 0 };
  if (!cutItems(bytes, open, close, filter, cut)) return undefined;
  const { kept, skipped, starts, ends } = cut;

  let result: unknown[];
  try {
    if (skipped === 0) {
      // Nothing left out: the array in one parse, which must hold the items as they were cut.
      result = JSON.parse(bytes.toString('utf8', open, close + 1)) as unknown[];
      if (result.length !== starts.length) return undefined;
    } else {
      result = [];
      for (let k = 0; k < starts.length; k++)
        result.push(JSON.parse(bytes.toString('utf8', starts[k], ends[k])));
    }
  } catch {
    return undefined;
  }
  filter.read = true;
  filter.kept = kept;
  filter.skippedCount = skipped;
  envelope.result = result;
  return { kind: 'envelope', value: envelope };
}

/**
 * The body parsed with the bytes from its first `[` (`open`) to its last `]` (`close`) replaced
 * by `[]`, or undefined when that is not JSON whose top-level `result` is an array. The bytes
 * before `open` hold no `[` and those after `close` no `]`, so the only array such a text can hold
 * is that `[]`: when `result` is an array, it is that one, and the first `[` of the body opens the
 * value of the top-level `result` (the same bytes lead to it), the last member of that name.
 */
function parseEnvelope(
  bytes: Buffer,
  open: number,
  close: number,
): { result: unknown } | undefined {
  let envelope: unknown;
  try {
    envelope = JSON.parse(
      `${bytes.toString('utf8', 0, open)}[]${bytes.toString('utf8', close + 1)}`,
    );
  } catch {
    return undefined;
  }
  if (typeof envelope !== 'object' || envelope === null) return undefined;
  const result = (envelope as { result?: unknown }).result;
  return Array.isArray(result) ? (envelope as { result: unknown }) : undefined;
}
