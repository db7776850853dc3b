/** Rendering rows as a plain-text table with aligned columns, for people. */
import { printableText } from './printable-text.js';

/** A column: its heading and how to read a row's cell. */
export interface TableColumn<Row> {
  readonly heading: string;
  readonly cell: (row: Row) => string;
}

/** Display width of a string: code points, not UTF-16 units, so accented text and emoji align. */
function width(text: string): number {
  return [...text].length;
}

/**
 * Renders a heading line, a rule, and one line per row; cells are made printable (see
 * {@link printableText}) and padded to the widest cell of their column. The last column is not
 * padded, so long messages do not leave trailing spaces.
 */
export function renderTable<Row>(
  columns: readonly TableColumn<Row>[],
  rows: readonly Row[],
): string {
  const cells = rows.map((row) => columns.map((c) => printableText(c.cell(row))));
  const widths = columns.map((c, i) =>
    Math.max(width(c.heading), ...cells.map((r) => width(r[i] ?? ''))),
  );
  const line = (values: readonly string[]) =>
    values
      .map((v, i) => (i === values.length - 1 ? v : v + ' '.repeat((widths[i] ?? 0) - width(v))))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '─'.repeat(w)).join('  ');
  return `${[line(columns.map((c) => c.heading)), rule, ...cells.map(line)].join('\n')}\n`;
}
