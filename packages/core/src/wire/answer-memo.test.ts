import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AnswerMemo, answerMemoOf, readListReusing, withAnswerMemo } from './answer-memo.js';

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
const resultOf = (payload: ReturnType<typeof readListReusing>) =>
  (payload as { kind: 'envelope'; value: { result: unknown[] } }).value.result;

describe('readListReusing', () => {
  it('takes the items that did not change from the previous answer, and parses the others', () => {
    const memo = new AnswerMemo();
    const before = [item(1), item(2), item(3), item(4)];
    const first = resultOf(readListReusing(answer(before), memo));
    expect(first).toEqual(before);
    expect([memo.parsed, memo.reused]).toEqual([4, 0]);

    const after = [item(1), item(2, 'a new one'), item(3), item(4)];
    const second = resultOf(readListReusing(answer(after), memo));
    expect(second).toEqual(after);
    expect([memo.parsed, memo.reused]).toEqual([5, 3]);
    expect(second[0]).toBe(first[0]);
    expect(second[1]).not.toBe(first[1]);
    expect(second[3]).toBe(first[3]);
  });

  it('follows a long answer through, one changed item costing one parse', () => {
    const memo = new AnswerMemo();
    const items = Array.from({ length: 40 }, (_, n) => item(n));
    readListReusing(answer(items), memo);
    items[25] = item(25, 'changed');
    expect(resultOf(readListReusing(answer(items), memo))).toEqual(items);
    expect([memo.parsed, memo.reused]).toEqual([41, 39]);
  });

  it('still lines the answers up when items came first or went', () => {
    const memo = new AnswerMemo();
    const first = resultOf(readListReusing(answer([1, 2, 3, 4, 5, 6].map((n) => item(n))), memo));
    const second = resultOf(
      readListReusing(answer([item(9), item(8), ...[1, 3, 4, 6].map((n) => item(n))]), memo),
    );
    expect(second.slice(2)).toEqual([first[0], first[2], first[3], first[5]]);
    expect(second[2]).toBe(first[0]);
    expect(second[5]).toBe(first[5]);
    expect(memo.reused).toBe(4);
  });

  it('freezes what it shares between answers', () => {
    const memo = new AnswerMemo();
    const [first] = resultOf(
      readListReusing(answer([{ ...item(1), nested: { deep: ['x'] } }]), memo),
    ) as Array<{ nested: { deep: string[] } }>;
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first?.nested.deep)).toBe(true);
  });

  it.each([
    ['a result below the top level', '{"status":"success","data":{"result":[{"a":"1"}]}}'],
    ['a later member of the same name', '{"result":[{"a":"1"}],"result":"x"}'],
    ['a bracket in a string before the result', '{"status":"[","result":[{"a":"1"}]}'],
    ['items apart with spaces', '{"status":"success","result":[{"a":"1"}, {"a":"2"}]}'],
    ['an item holding a cut', '{"status":"success","result":[{"a":[{"b":1},{"c":2}]}]}'],
    ['a cut inside a string', '{"status":"success","result":[{"a":"x},{\\"b\\":\\"y"}]}'],
    ['a body that is not JSON', '{"status":"success","result":[{"a":"1"},{]}'],
    ['an empty array written with a space', '{"status":"success","result":[ ]}'],
  ])('leaves %s to be parsed whole', (_, body) => {
    const memo = new AnswerMemo();
    readListReusing(answer([item(1)]), memo);
    expect(readListReusing(Buffer.from(body), memo)).toBeUndefined();
    expect(memo.previous).toBeUndefined();
    expect(memo.whole).toBe(1);
  });

  it.each([
    [
      'an empty result among other members',
      '{"status":"success","extra":{"a":"}"},"result":[],"after":{"b":1}}',
    ],
    [
      'a result key written with an escape',
      '{"status":"success","\\u0072esult":[{"a":"1"},{"a":"2"}]}',
    ],
    ['a member after the result holding a cut', '{"result":[{"a":"1"},{"a":"2"}],"x":"},{"}'],
    [
      'an earlier member of the same name',
      '{"result":"x","status":"]","result":[{"a":"1"},{"a":"2"}]}',
    ],
  ])('reads %s', (_, body) => {
    const memo = new AnswerMemo();
    expect(readListReusing(Buffer.from(body), memo)).toEqual({
      kind: 'envelope',
      value: JSON.parse(body),
    });
    expect(memo.whole).toBe(0);
  });

  /** Strings with what could mislead a reader cutting at `},{`: quotes, escapes, brackets. */
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
    { weight: 1, arbitrary: fc.jsonValue() },
  );
  const envelope = (
    result: unknown[],
    before: Record<string, unknown>,
    after: Record<string, unknown>,
  ) => ({
    ...before,
    result,
    ...after,
  });
  const members = fc.dictionary(
    fc.constantFrom('status', 'error', 'x', 'y'),
    fc.oneof({ weight: 4, arbitrary: fc.string() }, { weight: 1, arbitrary: fc.jsonValue() }),
    { maxKeys: 2 },
  );

  it('gives what JSON.parse gives for every answer of a sequence, reusing when it can', () => {
    let cut = 0;
    let answers = 0;
    let reused = 0;
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
          }),
          { minLength: 1, maxLength: 5 },
        ),
        (start, steps) => {
          answers += steps.length;
          const memo = new AnswerMemo();
          const items = [...start];
          for (const { edits, before, after } of steps) {
            for (const { at, kind, to } of edits) {
              const i = items.length === 0 ? 0 : at % items.length;
              if (kind === 'insert') items.splice(i, 0, to);
              else if (items.length > 0 && kind === 'drop') items.splice(i, 1);
              else if (items.length > 0) items[i] = to;
            }
            const body = JSON.stringify(envelope(items, before, after));
            const payload = readListReusing(Buffer.from(body), memo);
            if (payload === undefined) continue;
            cut++;
            expect(payload).toEqual({ kind: 'envelope', value: JSON.parse(body) });
          }
          reused += memo.reused;
        },
      ),
      { numRuns: 300 },
    );
    // Most answers are read item by item: the comparison above is not vacuous.
    expect(cut).toBeGreaterThan(answers / 3);
    expect(reused).toBeGreaterThan(answers / 10);
  });

  it('never reads a body otherwise than JSON.parse, whatever its bytes', () => {
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
          const memo = new AnswerMemo();
          const valid = JSON.stringify({ status: 'success', result: items });
          // The memo holds a real answer, so that mangled items may be found in it.
          readListReusing(Buffer.from(valid), memo);
          let body = valid;
          for (const { at, remove, insert } of edits) {
            const i = at % (body.length + 1);
            body = body.slice(0, i) + insert + body.slice(i + remove);
          }
          const payload = readListReusing(Buffer.from(body), memo);
          if (payload === undefined) return;
          expect(payload).toEqual({ kind: 'envelope', value: JSON.parse(body) });
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('withAnswerMemo', () => {
  it('adds the memo to options without changing them', () => {
    const memo = new AnswerMemo();
    const options = { timeoutMs: 5 };
    const carried = withAnswerMemo(options, memo);
    expect(answerMemoOf(carried)).toBe(memo);
    expect(carried.timeoutMs).toBe(5);
    expect(answerMemoOf(options)).toBeUndefined();
    expect(answerMemoOf(undefined)).toBeUndefined();
  });
});
