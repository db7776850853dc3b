/**
 * Core decodes the common shape of a list result (plain objects of string fields) without zod;
 * the schemas stay the definition. Whatever the result, the shortcut either steps aside or gives
 * exactly what the schema gives, and it takes every answer the service and the sandbox write.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  channelListSchema,
  decodeCommonList,
  messageListSchema,
} from '../packages/core/src/wire/result-decoders.js';
import { RUNS } from './support/arbitraries.js';

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
