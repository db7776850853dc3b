/**
 * The Markdown every section of bench/RESULTS.md is made of: its tables, and the file it is
 * written into, one section replaced in place.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const RESULTS = new URL('../RESULTS.md', import.meta.url);

/** One table row; an empty cell stays `| |`. */
const tableRow = (cells) => `|${cells.map((cell) => (cell === '' ? ' ' : ` ${cell} `)).join('|')}|`;

/**
 * A Markdown table (GitHub's pipe tables): the `headings` row, its `---` row, then one row per
 * entry of `rows`, each an array of cells already formatted. Its lines joined with `\n`.
 */
export function markdownTable(headings, rows) {
  return [tableRow(headings), tableRow(headings.map(() => '---')), ...rows.map(tableRow)].join(
    '\n',
  );
}

/**
 * Puts `section`, which begins with the line `heading`, into bench/RESULTS.md: in place of the
 * section under the same heading when there is one, otherwise before "Profiling findings" (or
 * at the end when that is missing too). Creates the file when it does not exist.
 */
export function putResultsSection(heading, section) {
  const results = existsSync(RESULTS) ? readFileSync(RESULTS, 'utf8') : '# Benchmark results\n';
  const start = results.indexOf(heading);
  let next;
  if (start >= 0) {
    const after = results.indexOf('\n## ', start + heading.length);
    next = `${results.slice(0, start)}${section}\n${after >= 0 ? results.slice(after) : ''}`;
  } else {
    const notes = results.indexOf('\n## Profiling findings');
    next =
      notes >= 0
        ? `${results.slice(0, notes)}\n${section}\n${results.slice(notes)}`
        : `${results.trimEnd()}\n\n${section}\n`;
  }
  writeFileSync(RESULTS, next);
}

/**
 * The sections of the current bench/RESULTS.md whose heading starts with `prefix`, as they are:
 * what a separate command wrote there (`pnpm load --inbound`), which a full bench run keeps.
 */
export function keptResultsSections(prefix) {
  if (!existsSync(RESULTS)) return [];
  return readFileSync(RESULTS, 'utf8')
    .split(/^(?=## )/m)
    .filter((section) => section.startsWith(prefix))
    .map((section) => section.trimEnd());
}
