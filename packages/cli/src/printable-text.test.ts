import { describe, expect, it } from 'vitest';
import { printableLines, printableText } from './printable-text.js';

/** Every control character (C0, DEL, C1) and the line and paragraph separators. */
const UNPRINTABLE = [
  ...Array.from({ length: 0x20 }, (_, i) => i),
  ...Array.from({ length: 0x21 }, (_, i) => 0x7f + i),
  0x2028,
  0x2029,
].map((c) => String.fromCharCode(c));

describe('printable text', () => {
  it('shows every control character as a visible escape, keeping one value on one line', () => {
    const shown = printableText(UNPRINTABLE.join(''));
    expect(shown).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
    expect(shown).toContain('\\u001b\\u001c');
    expect(printableText('a\nb\tc\rd')).toBe('a\\nb\\tc\\rd');
    expect(printableText('ünïcødé ─ 👋')).toBe('ünïcødé ─ 👋');
  });

  it('line by line: keeps the line feeds, escapes everything else', () => {
    expect(printableLines('one \u001b]0;t\u0007\ntwo \u009b2J\n')).toBe(
      'one \\u001b]0;t\\u0007\ntwo \\u009b2J\n',
    );
    expect(printableLines(printableLines('x\u0085y\n'))).toBe('x\\u0085y\n');
  });

  it('on a JSON line, escapes what JSON.stringify leaves raw, the value unchanged', () => {
    const value = { text: `a${UNPRINTABLE.join('')}z`, 'key\u009b': '\u2028' };
    const line = printableLines(`${JSON.stringify(value)}\n`);
    expect(line.slice(0, -1)).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
    expect(JSON.parse(line)).toEqual(value);
  });
});
