import { describe, expect, it } from 'vitest';
import { printableText } from './printable-text.js';
import { renderTable } from './render-table.js';

describe('renderTable', () => {
  it('aligns columns by code points and leaves no trailing spaces', () => {
    const rows = [
      { a: 'é', b: 'x' },
      { a: 'long value', b: '' },
    ];
    const table = renderTable(
      [
        { heading: 'A', cell: (r: { a: string; b: string }) => r.a },
        { heading: 'B', cell: (r: { a: string; b: string }) => r.b },
      ],
      rows,
    );
    expect(table).toBe(
      ['A           B', '──────────  ─', 'é           x', 'long value', ''].join('\n'),
    );
  });

  it('shows control characters as escapes, so a message cannot drive the terminal', () => {
    const table = renderTable(
      [{ heading: 'M', cell: (m: string) => m }],
      ['hi\u001b[2J\nthere\u009b\u2028'],
    );
    expect(table).toContain('hi\\u001b[2J\\nthere\\u009b\\u2028');
    expect(table).not.toMatch(/[\u001b\u009b\u2028]/);
  });
});

describe('printableText', () => {
  it('keeps ordinary text, accents and emoji as they are', () => {
    expect(printableText('Hola, ¿qué tal? 👋')).toBe('Hola, ¿qué tal? 👋');
  });
});
