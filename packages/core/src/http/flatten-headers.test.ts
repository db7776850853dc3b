import fc from 'fast-check';
import { util } from 'undici';
import { describe, expect, it } from 'vitest';
import { declaredLength, headerValue } from './flatten-headers.js';

const nameOf = util.headerNameToString;

/** Header names near `content-length`: its cases, its length with one byte off, and others. */
const name = fc.oneof(
  fc.constantFrom(
    'content-length',
    'Content-Length',
    'CONTENT-LENGTH',
    'content-lengtH',
    'content-lengtx',
    'contentxlength',
    'content-lengt\u00c8',
    'content-type',
    'date',
    'x-content-length',
  ),
  fc.string({ unit: 'binary-ascii', minLength: 14, maxLength: 14 }),
);
/** Values: digits mostly, and what Number reads otherwise (space, sign, exponent, hex, none). */
const value = fc.oneof(
  { weight: 4, arbitrary: fc.stringMatching(/^[0-9]{1,17}$/) },
  fc.constantFrom('', ' 12', '12 ', '+5', '-1', '1e3', '0x10', '1.5', '12,13', 'abc', '\u00b2'),
  fc.string({ unit: 'binary-ascii', maxLength: 6 }),
);
const latin1 = (text: string) => Buffer.from(text, 'latin1');

describe('declaredLength', () => {
  it('gives what Number(headerValue(raw, "content-length")) gives, whatever the headers', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(name, value, fc.boolean()), { maxLength: 6 }), (headers) => {
        // undici hands bytes; strings are accepted too.
        const raw = headers.flatMap(
          ([n, v, asText]): Array<Buffer | string> => (asText ? [n, v] : [latin1(n), latin1(v)]),
        );
        const expected = Number(headerValue(raw, 'content-length', nameOf));
        expect(Object.is(declaredLength(raw, nameOf), expected), JSON.stringify(headers)).toBe(
          true,
        );
      }),
      { numRuns: 2_000 },
    );
  });

  it('reads the common answer, and says NaN for none or a repeated header', () => {
    const raw = [
      latin1('Content-Type'),
      latin1('text/plain'),
      latin1('Content-Length'),
      latin1('007'),
    ];
    expect(declaredLength(raw, nameOf)).toBe(7);
    expect(declaredLength([latin1('date'), latin1('x')], nameOf)).toBeNaN();
    expect(declaredLength([...raw, latin1('content-length'), latin1('7')], nameOf)).toBeNaN();
  });
});
