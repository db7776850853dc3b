import { describe, expect, it } from 'vitest';
import { escapeXml, findXmlIllegalCharacter } from './escape-xml.js';

describe('escapeXml', () => {
  it('escapes the five markup characters and CR', () => {
    expect(escapeXml(`<a href="x">&'</a>\r\n`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;&#xD;\n',
    );
  });

  it('cannot let ]]> through', () => {
    expect(escapeXml('a]]>b')).toBe('a]]&gt;b');
  });

  it('writes characters beyond the BMP as they are', () => {
    expect(escapeXml('😀 𝄞')).toBe('😀 𝄞');
  });
});

describe('findXmlIllegalCharacter', () => {
  it.each([
    ['\u0000', 'U+0000'],
    ['a\u0001b', 'U+0001'],
    ['\u000B', 'U+000B'],
    ['\u001F', 'U+001F'],
    ['\uFFFE', 'U+FFFE'],
    ['\uFFFF', 'U+FFFF'],
    ['x\uD800', 'U+D800'],
    ['\uDC00x', 'U+DC00'],
  ])('finds %j', (text, found) => {
    expect(findXmlIllegalCharacter(text)).toBe(found);
  });

  it.each([['tab\tnewline\ncr\r'], ['😀'], ['\uE000\uFFFD'], ['é ñ 中文']])(
    'accepts %j',
    (text) => {
      expect(findXmlIllegalCharacter(text)).toBeUndefined();
    },
  );
});
