import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeForm, percentEncode } from './encode-form.js';

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
