/**
 * Core decodes the common shape of a list result (plain objects of string fields) without zod;
 * the schemas stay the definition. Whatever the result, the shortcut either steps aside or gives
 * exactly what the schema gives, and it takes every answer the service and the sandbox write.
 * It is written out per kind of result; a decoder walking the table of result fields, as the
 * schemas are built, pins it to that table: same items taken, same values, same items refused.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AfilnetTransportError } from '@afilnet-chat/core';
import { decodeResponse } from '../packages/core/src/wire/decode-response.js';
import { RESULT_FIELDS, type ResultField } from '../packages/core/src/wire/methods.js';
import {
  channelListSchema,
  decodeCommonList,
  messageListSchema,
} from '../packages/core/src/wire/result-decoders.js';
import { RUNS } from './support/arbitraries.js';

const TRUE_WORDS = new Set(['1', 'true', 'yes']);
const FALSE_WORDS = new Set(['0', 'false', 'no', '']);

/** A decoder of the common shape derived from `RESULT_FIELDS`, field by field. */
function tableItem(item: unknown, fields: readonly ResultField[]): object | undefined {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return undefined;
  const record = item as Record<string, unknown>;
  const decoded: Record<string, string | boolean> = {};
  for (const field of fields) {
    let value: string | boolean | undefined;
    for (const name of field.wire) {
      const raw = record[name];
      if (raw === undefined) continue;
      if (typeof raw !== 'string') return undefined;
      const word = raw.trim().toLowerCase();
      const read =
        field.kind !== 'flag'
          ? raw
          : TRUE_WORDS.has(word)
            ? true
            : FALSE_WORDS.has(word)
              ? false
              : undefined;
      if (read === undefined) return undefined;
      value ??= read;
    }
    if (value === undefined) return undefined;
    decoded[field.api] = value;
  }
  return decoded;
}

function tableList(kind: 'channels' | 'messages', result: unknown): object[] | undefined {
  let list = result;
  if (list === null || list === undefined || list === '') list = [];
  else if (typeof list === 'object' && !Array.isArray(list) && 'list' in list) {
    const inner = (list as { list: unknown }).list;
    list = inner === null || inner === '' ? [] : inner;
  }
  if (!Array.isArray(list)) return undefined;
  const decoded: object[] = [];
  for (const item of list) {
    const one = tableItem(item, RESULT_FIELDS[kind]);
    if (one === undefined) return undefined;
    decoded.push(one);
  }
  return decoded;
}

const FIELDS = [
  'platformid',
  'platform',
  'name',
  'destination',
  'messageid',
  'message',
  'sent',
  'issent',
  'status',
  'datetime',
  'extra',
];
const WORDS = ['1', '0', 'true', 'false', 'yes', 'no', '', ' TRUE ', 'maybe', 'whatsapp', '007'];

const value = fc.oneof(
  fc.constantFrom(...WORDS),
  fc.string({ maxLength: 8 }),
  fc.constantFrom<unknown>(null, undefined, 0, 1, true, false, [], {}),
);
const item = fc.oneof(
  fc.dictionary(fc.constantFrom(...FIELDS), value, { maxKeys: FIELDS.length }),
  fc.constantFrom<unknown>(null, 'x', 1, []),
);
const result = fc.oneof(
  fc.array(item, { maxLength: 4 }),
  fc.array(item, { maxLength: 3 }).map((list) => ({ list })),
  fc.constantFrom<unknown>('', null, undefined, {}, 'x', { list: null }, { list: '' }),
);

const SCHEMAS = { channels: channelListSchema, messages: messageListSchema } as const;

/** Items the service could write: every field a string, now and then one field spoiled. */
const plausibleItem = fc
  .record({
    platformid: fc.oneof(fc.constantFrom('100', '7'), fc.string({ maxLength: 4 })),
    platform: fc.constantFrom('whatsapp', 'telegram', 'webchat', 'operator', 'new'),
    name: fc.string({ maxLength: 6 }),
    destination: fc.string({ maxLength: 6 }),
    messageid: fc.string({ maxLength: 4 }),
    message: fc.string({ maxLength: 6 }),
    sent: fc.option(fc.constantFrom(...WORDS), { nil: undefined }),
    issent: fc.option(fc.constantFrom(...WORDS), { nil: undefined }),
    status: fc.string({ maxLength: 4 }),
    datetime: fc.constantFrom('2024-01-02 03:04:05', ''),
  })
  .chain((record) =>
    fc.oneof(
      { weight: 3, arbitrary: fc.constant<unknown>(record) },
      fc
        .tuple(fc.constantFrom(...FIELDS), value)
        .map(([field, spoiled]): unknown => ({ ...record, [field]: spoiled })),
      fc.constantFrom(...FIELDS).map((field): unknown => {
        const { [field as keyof typeof record]: _dropped, ...rest } = record;
        return rest;
      }),
    ),
  );
const plausibleResult = fc.oneof(
  fc.array(plausibleItem, { maxLength: 5 }),
  fc.array(plausibleItem, { maxLength: 3 }).map((list) => ({ list })),
  result,
);

describe('decodeCommonList', () => {
  it.each(['channels', 'messages'] as const)(
    'gives what the %s schema gives, or steps aside',
    (kind) => {
      fc.assert(
        fc.property(result, (value) => {
          const common = decodeCommonList(kind, value);
          if (common === undefined) return;
          const parsed = SCHEMAS[kind].safeParse(value);
          expect(parsed.success).toBe(true);
          expect(common).toEqual(parsed.data);
        }),
        { numRuns: RUNS * 4 },
      );
    },
  );

  it.each(['channels', 'messages'] as const)(
    'takes, decodes and refuses the %s items a decoder walking the table of fields does',
    (kind) => {
      fc.assert(
        fc.property(plausibleResult, (value) => {
          expect(decodeCommonList(kind, value)).toEqual(tableList(kind, value));
        }),
        { numRuns: RUNS * 4 },
      );
    },
  );

  it.each(['getchatchannels', 'getchats', 'getunreadmessages'] as const)(
    'makes decodeResponse(%s) answer what the schema gives, or its MALFORMED_RESPONSE',
    (method) => {
      const schema = method === 'getchatchannels' ? channelListSchema : messageListSchema;
      fc.assert(
        fc.property(plausibleResult, fc.constantFrom('success', ' SUCCESS '), (value, status) => {
          const parsed = schema.safeParse(value);
          let decoded: unknown;
          try {
            decoded = decodeResponse(method, {
              httpStatus: 200,
              payload: { kind: 'envelope', value: { status, result: value } },
            });
          } catch (error) {
            expect(parsed.success).toBe(false);
            expect(error).toBeInstanceOf(AfilnetTransportError);
            const where = parsed.error?.issues[0]?.path.join('.');
            expect((error as AfilnetTransportError).code).toBe('MALFORMED_RESPONSE');
            expect((error as AfilnetTransportError).message).toBe(
              `The ${method} result does not have the documented shape${where ? ` (at result.${where})` : ''}`,
            );
            return;
          }
          expect(parsed.success).toBe(true);
          expect(decoded).toEqual(parsed.data);
        }),
        { numRuns: RUNS * 4 },
      );
    },
  );

  it('takes the answers the service and the sandbox write', () => {
    const channel = { platformid: '100', platform: 'whatsapp', name: 'Support' };
    const message = {
      platformid: '1',
      platform: 'whatsapp',
      destination: 'd',
      messageid: '7',
      message: 'm',
      sent: '1',
      status: 's',
      datetime: 't',
    };
    expect(decodeCommonList('channels', [channel])).toEqual([
      { platformId: '100', platform: 'whatsapp', name: 'Support' },
    ]);
    expect(decodeCommonList('channels', '')).toEqual([]);
    expect(
      decodeCommonList('messages', { list: [{ ...message, sent: undefined, issent: 'false' }] }),
    ).toEqual([
      {
        platformId: '1',
        platform: 'whatsapp',
        destination: 'd',
        messageId: '7',
        message: 'm',
        sent: false,
        status: 's',
        datetime: 't',
      },
    ]);
  });
});
