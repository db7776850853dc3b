import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeForm } from './encode-form.js';
import { createFormEncoder } from './form-encoder.js';
import { CHAT_METHODS, type ChatMethod } from './methods.js';
import type { WireRequest } from '../transport/transport.js';
import { wireFields } from './wire-fields.js';

describe('createFormEncoder', () => {
  const credentials = { user: 'a+b@example.com', password: "p&=!'()*" };
  const requests: WireRequest[] = [
    { method: 'getchatchannels', params: [] },
    {
      method: 'sendmessage',
      params: [
        ['platform', 'whatsapp'],
        ['platformid', '1'],
        ['destination', 'd'],
        ['message', 'x y+z'],
      ],
    },
    {
      method: 'sendmessage',
      params: [
        ['platform', 'telegram'],
        ['platformid', '2'],
        ['destination', 'e'],
        ['message', '😀'],
      ],
    },
  ];
  it.each([[credentials], [undefined]])(
    'gives exactly encodeForm(wireFields(...)) (credentials %#)',
    (creds) => {
      const encode = createFormEncoder(creds);
      for (const request of [...requests, ...requests]) {
        expect(encode(request)).toBe(encodeForm(wireFields(request, creds)));
      }
    },
  );

  it('gives exactly encodeForm(wireFields(...)) for any sequence of requests, names and values', () => {
    const methods = Object.keys(CHAT_METHODS) as ChatMethod[];
    const text = fc.string({ unit: 'grapheme', maxLength: 12 });
    const request = fc.record({
      method: fc.constantFrom(...methods),
      params: fc.array(
        fc.tuple(fc.oneof(fc.constantFrom('platform', 'message', 'destination'), text), text),
        { maxLength: 5 },
      ),
    });
    const creds = fc.option(fc.record({ user: text, password: text }), { nil: undefined });
    fc.assert(
      fc.property(
        creds,
        fc.array(request, { minLength: 1, maxLength: 90 }),
        (account, sequence) => {
          const encode = createFormEncoder(account);
          for (const each of sequence)
            expect(encode(each)).toBe(encodeForm(wireFields(each, account)));
        },
      ),
      { numRuns: 300 },
    );
  });
});
