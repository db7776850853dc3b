/**
 * Reading a list answer that a caller asks for again and again — a listener's `getchats` of each
 * channel, on every poll — by reusing what the previous answer's unchanged items were parsed
 * into, rather than parsing the whole body anew.
 *
 * `getchats` takes no "changed since" parameter, so each poll reads every conversation of the
 * account: at 10,000 conversations, two megabytes of JSON whose text and parsed objects were
 * most of a quiet listener's CPU (its collections included), though nearly every item is the
 * same, byte for byte, as in the previous poll's answer.
 *
 * The answer is read as JSON (RFC 8259) would read it, or not at all: the body is cut into its
 * `result` array's items at each `},{`, and each item that is not byte for byte one of the
 * previous answer's items is parsed alone. A cut inside a string or inside an item leaves a piece
 * that is not a JSON value by itself (the first such piece ends inside that string or object), so
 * when every piece is one, every cut fell between two items and the values are those
 * `JSON.parse` gives for the whole body. Anything else (no `result` array at the top level, a
 * piece that does not parse) answers `undefined`, and the caller parses the body whole.
 */
import type { WirePayload } from '../transport/transport.js';

/**
 * Where a call's options and its transport context carry an {@link AnswerMemo}. A registry
 * symbol, as `ABORT_HOOK` is, so that one copy of core recognises a context made by another.
 */
export const ANSWER_MEMO: unique symbol = Symbol.for('afilnet-chat.answerMemo') as never;

/** The previous answer: its bytes, where each item of its `result` lies, and the item's value. */
interface ReadAnswer {
  readonly bytes: Buffer;
  readonly starts: readonly number[];
  readonly ends: readonly number[];
  readonly values: readonly unknown[];
}

/**
 * What the previous answer of one repeated call was read into, kept by the caller between its
 * calls (one per channel for `getchats`). It holds that answer's bytes and parsed items (about
 * twice the body's size) until the next answer replaces them. Counts what it saved, for tests and
 * measurements.
 */
export class AnswerMemo {
  previous: ReadAnswer | undefined = undefined;
  /** Items taken from the previous answer, over the memo's life. */
  reused = 0;
  /** Items parsed, over the memo's life. */
  parsed = 0;
  /** Answers parsed whole, for want of a `result` array that could be cut into items. */
  whole = 0;
}

/** `options` with `memo` added; what `answerMemoOf` finds in them. */
export function withAnswerMemo<T extends object>(options: T, memo: AnswerMemo): T {
  return { ...options, [ANSWER_MEMO]: memo };
}

/** The {@link AnswerMemo} call options or a call context carry, if any. Throws nothing. */
export function answerMemoOf(options: object | undefined): AnswerMemo | undefined {
  return (options as { readonly [ANSWER_MEMO]?: AnswerMemo } | undefined)?.[ANSWER_MEMO];
}

const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const BETWEEN_ITEMS = Buffer.from('},{');
/**
 * How far past the next expected item of the previous answer an item is looked for: answers that
 * gained or lost a few items since (a new conversation listed first) still line up.
 */
const WINDOW = 8;

/** Freezes a parsed value and what it holds: a reused item is shared by every answer it is in. */
function freezeDeep(value: unknown): unknown {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) freezeDeep(inner);
    Object.freeze(value);
  }
  return value;
}

/**
 * Reads a JSON answer `body` whose `result` is a list, reusing the values of the items that are
 * byte for byte items of the answer `memo` last read, and records this answer in `memo`.
 * Answers the payload `JSON.parse` would give for the whole body (its items frozen), or
 * `undefined` when the body cannot be read this way, which the caller then parses whole. Throws
 * nothing.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8259 — the grammar the cutting relies on.
 */
export function readListReusing(body: Uint8Array, memo: AnswerMemo): WirePayload | undefined {
  const bytes = Buffer.isBuffer(body)
    ? body
    : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const open = bytes.indexOf(OPEN_ARRAY);
  const close = bytes.lastIndexOf(CLOSE_ARRAY);
  const envelope = open >= 0 && close > open ? parseEnvelope(bytes, open, close) : undefined;
  if (envelope === undefined) {
    memo.previous = undefined;
    memo.whole++;
    return undefined;
  }

  const previous = memo.previous;
  const values: unknown[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  let reused = 0;
  let next = 0;
  let start = open + 1;
  while (start < close) {
    const cut = bytes.indexOf(BETWEEN_ITEMS, start);
    const end = cut === -1 || cut >= close ? close : cut + 1;
    let value: unknown;
    let found = false;
    if (previous !== undefined) {
      const length = end - start;
      const last = Math.min(next + WINDOW, previous.values.length);
      for (let j = next; j < last; j++) {
        const from = previous.starts[j] as number;
        const to = previous.ends[j] as number;
        if (to - from === length && bytes.compare(previous.bytes, from, to, start, end) === 0) {
          value = previous.values[j];
          next = j + 1;
          found = true;
          reused++;
          break;
        }
      }
    }
    if (!found) {
      try {
        value = freezeDeep(JSON.parse(bytes.toString('utf8', start, end)));
      } catch {
        memo.previous = undefined;
        memo.whole++;
        return undefined;
      }
    }
    values.push(value);
    starts.push(start);
    ends.push(end);
    start = end + 1;
  }
  memo.previous = { bytes, starts, ends, values };
  memo.reused += reused;
  memo.parsed += values.length - reused;
  envelope.result = values;
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
