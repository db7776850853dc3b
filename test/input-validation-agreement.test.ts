/**
 * Core validates the common input of a plain-text method (required texts and the platform)
 * without zod; the schemas stay the definition. Whatever the input, the two agree exactly: the
 * shortcut accepts what the schema accepts, with the same wire parameters, and steps aside for
 * everything the schema refuses (which the schema then words).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AfilnetValidationError } from '../packages/core/src/errors/errors.js';
import {
  toWireRequestBySchema,
  toWireRequestFast,
} from '../packages/core/src/wire/input-schemas.js';
import { CHAT_METHODS, type ChatMethod } from '../packages/core/src/wire/methods.js';
import { RUNS } from './support/arbitraries.js';

/** Every field name any method takes, plus misspellings no method knows. */
const FIELDS = [
  ...new Set(Object.values(CHAT_METHODS).flatMap((m) => m.fields.map((f) => f.api))),
  'platformID',
  'extra',
];
const WORDS = [
  'whatsapp',
  'telegram',
  'webchat',
  'operator',
  'myspace',
  'WhatsApp',
  '',
  ' ',
  '100',
  'd',
  'é',
  '\ud800',
  'a\udc00b',
  '😀😀😀',
];

const value = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...WORDS) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
  fc.constantFrom<unknown>(undefined, null, 0, 1, true, [], {}),
);
const input = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.dictionary(fc.constantFrom(...FIELDS), value, { maxKeys: FIELDS.length }),
  },
  // The fields a method needs, all present, so that the accepting side is reached often.
  {
    weight: 6,
    arbitrary: fc.record({
      platform: fc.constantFrom('whatsapp', 'telegram', 'fax'),
      platformId: value,
      destination: value,
      message: value,
    }),
  },
  fc.constantFrom<unknown>(undefined, null, 'whatsapp', 1, []),
);
const METHODS = Object.keys(CHAT_METHODS) as ChatMethod[];

function bySchema(method: ChatMethod, value: unknown, max: number) {
  try {
    return { accepted: toWireRequestBySchema(method, value, max) };
  } catch (error) {
    expect(error).toBeInstanceOf(AfilnetValidationError);
    return { refused: error };
  }
}

describe('toWireRequestFast', () => {
  it.each(METHODS)('agrees exactly with the %s schema', (method) => {
    let accepted = 0;
    fc.assert(
      fc.property(input, fc.constantFrom(Infinity, 1, 3, 8), (value, max) => {
        const fast = toWireRequestFast(method, value, max);
        const schema = bySchema(method, value, max);
        if (fast !== undefined) {
          accepted++;
          expect(schema.accepted).toEqual(fast);
        } else if (schema.accepted !== undefined) {
          // Only methods with an optional or non-text field are left to the schema entirely; a
          // method without fields is taken by the shortcut when it is given no input at all.
          const { fields } = CHAT_METHODS[method];
          if (fields.length === 0) expect(value).not.toBe(undefined);
          else
            expect(
              fields.every((f) => !f.optional && (f.kind === 'text' || f.kind === 'platform')),
            ).toBe(false);
        }
      }),
      { numRuns: RUNS * 4 },
    );
    if (method !== 'sendfile')
      expect(accepted, 'the shortcut accepted some inputs').toBeGreaterThan(0);
  });

  it('takes the inputs apps send', () => {
    expect(toWireRequestFast('getchatchannels', undefined)).toEqual({
      method: 'getchatchannels',
      params: [],
    });
    const conversation = { platform: 'whatsapp', platformId: '100', destination: '34600000000' };
    expect(toWireRequestFast('sendmessage', { ...conversation, message: 'hello' })).toEqual({
      method: 'sendmessage',
      params: [
        ['platform', 'whatsapp'],
        ['platformid', '100'],
        ['destination', '34600000000'],
        ['message', 'hello'],
      ],
    });
    // A ConversationRef passed to getChats: the destination belongs to another method.
    expect(toWireRequestFast('getchats', conversation)?.params).toEqual([
      ['platform', 'whatsapp'],
      ['platformid', '100'],
    ]);
  });
});
