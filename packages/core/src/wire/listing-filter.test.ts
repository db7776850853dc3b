import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ListingFilter,
  listingFilterOf,
  readListFiltered,
  withListingFilter,
} from './listing-filter.js';

const item = (n: number, message = `message ${n}`) => ({
  platformid: '100',
  platform: 'whatsapp',
  destination: `+346000${n}`,
  messageid: `m-${n}`,
  message,
  sent: '0',
  status: 'unread',
  datetime: '2026-12-07 10:00:00',
});
const answer = (items: readonly unknown[]) =>
  Buffer.from(JSON.stringify({ status: 'success', result: items }));
const resultOf = (payload: ReturnType<typeof readListFiltered>) =>
  (payload as { kind: 'envelope'; value: { result: unknown[] } }).value.result;
/** The fingerprints of a body's items in order, as pairs: read with nothing left out. */
const fingerprints = (body: Buffer): number[] | undefined => {
  const all = new ListingFilter(() => false);
  return readListFiltered(body, all) === undefined ? undefined : all.kept;
};
const pairs = (flat: readonly number[]) =>
  Array.from({ length: flat.length / 2 }, (_, i) => `${flat[2 * i]}/${flat[2 * i + 1]}`);
/**
 * A filter leaving out the items whose fingerprints `known` holds (pairs), noting in `leftOut`
 * (pairs, in the order asked) those it said to leave out.
 */
const skipping = (known: readonly number[]) => {
  const names = new Set(pairs(known));
  const leftOut: number[] = [];
  const filter = new ListingFilter((key, check) => {
    const skip = names.has(`${key}/${check}`);
    if (skip) leftOut.push(key, check);
    return skip;
  });
  return Object.assign(filter, { leftOut });
};

describe('readListFiltered', () => {
  it('leaves out the items the filter knows, parses the others, and says which were which', () => {
    const before = [item(1), item(2), item(3), item(4)];
    const known = fingerprints(answer(before)) as number[];
    expect(known).toHaveLength(8);
    expect(new Set(pairs(known)).size).toBe(4);

    const after = [item(1), item(2, 'a new one'), item(3), item(5)];
    const filter = skipping(known);
    expect(resultOf(readListFiltered(answer(after), filter))).toEqual([after[1], after[3]]);
    expect(filter.read).toBe(true);
    expect(pairs(filter.leftOut)).toEqual(pairs(known).filter((_, i) => i === 0 || i === 2));
    expect(filter.skippedCount).toBe(2);
    // What it kept is fingerprinted as a read of the same items alone would be.
    expect(pairs(filter.kept)).toEqual(pairs(fingerprints(answer([after[1], after[3]])) ?? []));
  });

  it('keeps the envelope as JSON.parse gives it, and an empty result when everything is known', () => {
    const body = Buffer.from(
      '{"status":"SUCCESS","x":{"a":"}"},"result":[{"a":"1"},{"a":"2"}],"after":{"b":1}}',
    );
    const filter = skipping(fingerprints(body) as number[]);
    expect(readListFiltered(body, filter)).toEqual({
      kind: 'envelope',
      value: { ...JSON.parse(body.toString()), result: [] },
    });
    expect(filter.kept).toEqual([]);
    expect(filter.skippedCount).toBe(2);
  });

  it('tells items of the same bytes by their bytes alone, whatever surrounds them', () => {
    const [a] = fingerprints(answer([item(7)])) as number[];
    const spaced = Buffer.from(
      `{"result":[ ${JSON.stringify(item(1))} ,\n${JSON.stringify(item(7))}\t]}`,
    );
    expect((fingerprints(spaced) as number[])[2]).toBe(a);
    expect(fingerprints(answer([item(8)]))?.[0]).not.toBe(a);
  });

  it('resets what it says before each read', () => {
    const filter = skipping(fingerprints(answer([item(1)])) as number[]);
    readListFiltered(answer([item(1), item(2)]), filter);
    expect([filter.kept.length, filter.skippedCount]).toEqual([2, 1]);
    expect(readListFiltered(Buffer.from('{"status":"error","error":"X"}'), filter)).toBeUndefined();
    expect([filter.read, filter.kept, filter.skippedCount]).toEqual([false, [], 0]);
  });

  it.each([
    ['a result below the top level', '{"status":"success","data":{"result":[{"a":"1"}]}}'],
    ['a later member of the same name', '{"result":[{"a":"1"}],"result":"x"}'],
    ['a bracket in a string before the result', '{"status":"[","result":[{"a":"1"}]}'],
    ['items that are not objects', '{"status":"success","result":["a","b"]}'],
    ['numbers as items', '{"status":"success","result":[1,2]}'],
    ['a comma before the end', '{"status":"success","result":[{"a":"1"},]}'],
    ['two commas', '{"status":"success","result":[{"a":"1"},,{"a":"2"}]}'],
    ['two items without a comma', '{"status":"success","result":[{"a":"1"}{"a":"2"}]}'],
    ['a body that is not JSON', '{"status":"success","result":[{"a":"1"},{]}'],
    ['an unterminated string', '{"status":"success","result":[{"a":"1}]}'],
    ['an error envelope', '{"status":"error","error":"CHAT_NOT_FOUND"}'],
  ])('leaves %s to be parsed whole', (_, body) => {
    // Nothing is known: a known item is left out on its fingerprint, unparsed.
    const filter = new ListingFilter(() => false);
    expect(readListFiltered(Buffer.from(body), filter)).toBeUndefined();
    expect(filter.read).toBe(false);
  });

  it.each([
    ['an empty result', '{"status":"success","result":[]}'],
    ['an empty result written with a space', '{"status":"success","result":[ ]}'],
    ['a result key written with an escape', '{"status":"success","\\u0072esult":[{"a":"1"}]}'],
    ['a member after the result holding a cut', '{"result":[{"a":"1"},{"a":"2"}],"x":"},{"}'],
    ['an earlier member of the same name', '{"result":"x","status":"]","result":[{"a":"1"}]}'],
    ['items holding arrays and escapes', '{"result":[[{"a":"\\"]"}],{"b":"\\\\"},[]]}'],
  ])('reads %s as JSON.parse does', (_, body) => {
    const filter = new ListingFilter(() => false);
    expect(readListFiltered(Buffer.from(body), filter)).toEqual({
      kind: 'envelope',
      value: JSON.parse(body),
    });
    expect(filter.read).toBe(true);
  });

  /** Strings with what could mislead a reader cutting items: quotes, escapes, brackets. */
  const tricky = fc.oneof(
    fc.string(),
    fc.constantFrom('},{', '"},{"', '\\', '[', ']', '"result":[', '}', '{', 'é', '😀', '\u2028'),
    fc
      .array(fc.constantFrom('},{', '"', '\\', '[', ']', ':', ',', '{', '}', 'a', ' ', 'é'), {
        maxLength: 8,
      })
      .map((parts) => parts.join('')),
  );
  const field = fc.constantFrom('a', 'b', 'message', 'x');
  const anyItem = fc.oneof(
    { weight: 6, arbitrary: fc.dictionary(field, fc.string()) },
    { weight: 2, arbitrary: fc.dictionary(field, tricky) },
    { weight: 1, arbitrary: fc.array(fc.jsonValue(), { maxLength: 3 }) },
  );
  const members = fc.dictionary(
    fc.constantFrom('status', 'error', 'x', 'y'),
    fc.oneof({ weight: 4, arbitrary: fc.string() }, { weight: 1, arbitrary: fc.jsonValue() }),
    { maxKeys: 2 },
  );

  it('gives what JSON.parse gives, less the items left out, for every answer of a sequence', () => {
    let skippedInAll = 0;
    let readWhole = 0;
    let answers = 0;
    fc.assert(
      fc.property(
        fc.array(anyItem, { maxLength: 12 }),
        fc.array(
          fc.record({
            edits: fc.array(
              fc.record({
                at: fc.nat(),
                kind: fc.constantFrom('change', 'insert', 'drop'),
                to: anyItem,
              }),
              { maxLength: 4 },
            ),
            before: members,
            after: members,
            forget: fc.array(fc.nat(), { maxLength: 3 }),
          }),
          { minLength: 1, maxLength: 5 },
        ),
        (start, steps) => {
          const items = [...start];
          let known: number[] = [];
          answers += steps.length;
          for (const { edits, before, after, forget } of steps) {
            for (const { at, kind, to } of edits) {
              const i = items.length === 0 ? 0 : at % items.length;
              if (kind === 'insert') items.splice(i, 0, to);
              else if (items.length > 0 && kind === 'drop') items.splice(i, 1);
              else if (items.length > 0) items[i] = to;
            }
            const body = Buffer.from(JSON.stringify({ ...before, result: items, ...after }));
            const all = fingerprints(body);
            // Some of what was known is forgotten: those items are parsed again.
            for (const f of forget) known.splice(2 * (f % (known.length / 2 || 1)), 2);
            const filter = skipping(known);
            const payload = readListFiltered(body, filter);
            readWhole++;
            if (all === undefined) {
              // A body not read item by item (a bracket in a member before the result) is not
              // read so whatever the filter knows.
              expect(payload).toBeUndefined();
              known = [];
              continue;
            }
            readWhole--;
            const names = pairs(all);
            const left = new Set(pairs(known));
            const parsed = JSON.parse(body.toString()) as { result: unknown[] };
            expect(payload).toEqual({
              kind: 'envelope',
              value: {
                ...parsed,
                result: parsed.result.filter((_, i) => !left.has(names[i] as string)),
              },
            });
            expect(pairs(filter.kept)).toEqual(names.filter((n) => !left.has(n)));
            expect(pairs(filter.leftOut)).toEqual(names.filter((n) => left.has(n)));
            expect(filter.skippedCount).toBe(filter.leftOut.length / 2);
            skippedInAll += filter.skippedCount;
            known = all;
          }
        },
      ),
      { numRuns: 300 },
    );
    // Items were left out, and most answers were read item by item: the comparison above is
    // not only of whole reads.
    expect(skippedInAll).toBeGreaterThan(300);
    expect(readWhole).toBeLessThan(answers / 3);
  });

  it('never reads a mangled body otherwise than JSON.parse, whatever its bytes', () => {
    const edit = fc.record({
      at: fc.nat(),
      remove: fc.nat({ max: 4 }),
      insert: fc.constantFrom(
        '',
        '},{',
        '"',
        '\\',
        '[',
        ']',
        '{',
        '}',
        ',',
        ':',
        '"result":',
        ' ',
        'a',
      ),
    });
    fc.assert(
      fc.property(
        fc.array(anyItem, { maxLength: 6 }),
        fc.array(edit, { maxLength: 4 }),
        (items, edits) => {
          const valid = JSON.stringify({ status: 'success', result: items });
          // The filter knows the valid answer's items, so that mangled ones may be left out.
          const known = fingerprints(Buffer.from(valid)) as number[];
          let text = valid;
          for (const { at, remove, insert } of edits) {
            const i = at % (text.length + 1);
            text = text.slice(0, i) + insert + text.slice(i + remove);
          }
          const body = Buffer.from(text);
          const filter = skipping(known);
          const payload = readListFiltered(body, filter);
          if (payload === undefined) return;
          // Read item by item, the body is JSON, and what was kept is its result less what was
          // left out: the items whose fingerprints a whole read gives and the filter knew. The
          // reference is the body's bytes decoded, not `text`: an edit inside a surrogate pair
          // leaves a lone surrogate in `text`, which the bytes carry as U+FFFD.
          const parsed = JSON.parse(body.toString('utf8')) as { result: unknown[] };
          const names = pairs(fingerprints(body) as number[]);
          const left = new Set(pairs(known));
          expect(payload).toEqual({
            kind: 'envelope',
            value: {
              ...parsed,
              result: parsed.result.filter((_, i) => !left.has(names[i] as string)),
            },
          });
        },
      ),
      {
        numRuns: 2000,
        // An edit inside an emoji's surrogate pair: the bytes hold U+FFFD where the text held a
        // lone surrogate.
        examples: [
          [
            [{ b: '\u{1F600}', message: '}', a: ' '.repeat(10), x: ' '.repeat(10) }],
            [{ at: 2_004_504_084, remove: 0, insert: ']' }],
          ],
        ],
      },
    );
  });
});

describe('withListingFilter', () => {
  it('adds the filter to options without changing them', () => {
    const filter = new ListingFilter(() => false);
    const options = { timeoutMs: 5 };
    const carried = withListingFilter(options, filter);
    expect(listingFilterOf(carried)).toBe(filter);
    expect(carried.timeoutMs).toBe(5);
    expect(listingFilterOf(options)).toBeUndefined();
    expect(listingFilterOf(undefined)).toBeUndefined();
  });
});
