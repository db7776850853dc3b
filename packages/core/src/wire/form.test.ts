import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createFormEncoder, encodeForm, percentEncode } from './form.js';
import { CHAT_METHODS, type ChatMethod } from './methods.js';
import type { WireRequest } from '../transport/transport.js';
import { wireFields } from './wire-fields.js';

describe('percentEncode', () => {
  it('keeps exactly the RFC 3986 unreserved characters', () => {
    expect(percentEncode('AZaz09-._~')).toBe('AZaz09-._~');
  });
  it("encodes + & = % space !'()* with upper-case hex", () => {
    expect(percentEncode("+&=% !'()*")).toBe('%2B%26%3D%25%20%21%27%28%29%2A');
  });
  it('encodes UTF-8 bytes of emoji and newlines', () => {
    expect(percentEncode('é😀\n\r')).toBe('%C3%A9%F0%9F%98%80%0A%0D');
  });
  it('gives what encodeURIComponent and the sub-delimiters it leaves give, for any text', () => {
    const reference = (value: string) =>
      encodeURIComponent(value).replace(
        /[!'()*]/g,
        (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
      );
    const unreserved = fc.stringMatching(/^[A-Za-z0-9\-._~]*$/);
    fc.assert(
      fc.property(
        fc.oneof(
          unreserved,
          fc.string({ unit: 'grapheme' }),
          fc.string({ unit: 'grapheme-ascii' }),
        ),
        (value) => {
          expect(percentEncode(value)).toBe(reference(value));
        },
      ),
      { numRuns: 2_000 },
    );
  });
});

describe('encodeForm', () => {
  it('joins fields in the order given', () => {
    expect(
      encodeForm([
        ['b', '1'],
        ['a', 'x y'],
      ]),
    ).toBe('b=1&a=x%20y');
  });
  it('reads back with URLSearchParams', () => {
    const value = 'a+b & c=d 100% 😀\n';
    expect(new URLSearchParams(encodeForm([['m', value]])).get('m')).toBe(value);
  });
});

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
