/** `afilnet-chat demo`: every method through every transport against the embedded sandbox. */
import { CHAT_METHODS, type ChatMethod } from '@afilnet-chat/core/constants';
import type { Command } from '../command.js';
import { EXIT_CODES } from '../exit-codes.js';
import { renderTable, type TableColumn } from '../render-table.js';
import type { DemoCell, DemoRow } from '../run-demo.js';

const METHODS = Object.keys(CHAT_METHODS) as ChatMethod[];

function showCell(cell: DemoCell | undefined): string {
  if (cell === undefined) return '';
  if (cell.outcome === 'not-installed') return 'not installed';
  const ms = cell.ms === undefined ? '' : ` ${cell.ms.toFixed(1)} ms`;
  return cell.outcome === 'ok'
    ? `✓ ${cell.detail}${ms}`
    : `✗ ${cell.detail.split(':')[0] ?? ''}${ms}`;
}

const COLUMNS: readonly TableColumn<DemoRow>[] = [
  { heading: 'TRANSPORT', cell: (r) => `${r.transport} (${r.security})` },
  ...METHODS.map((method) => ({
    heading: method,
    cell: (r: DemoRow) => showCell(r.cells.find((c) => c.method === method)),
  })),
];

function summary(rows: readonly DemoRow[]): string {
  const failures = rows.flatMap((r) =>
    r.cells
      .filter((c) => c.outcome === 'failed')
      .map((c) => `  ${r.transport} ${c.method}: ${c.detail}`),
  );
  const missing = rows
    .filter((r) => r.cells.some((c) => c.outcome === 'not-installed'))
    .map((r) => r.transport);
  const passed = rows.filter((r) => r.cells.every((c) => c.outcome === 'ok')).length;
  const lines = [`${passed} of ${rows.length} transports passed every method.`];
  if (missing.length > 0) lines.push(`Not installed: ${missing.join(', ')}.`);
  if (failures.length > 0) lines.push('Failures:', ...failures);
  lines.push(
    'To watch calls like these live, run `afilnet-chat sandbox` and open the inbox URL it prints.',
  );
  return `${lines.join('\n')}\n`;
}

/** Runs the demo. */
export const demoCommand: Command = {
  name: 'demo',
  summary: 'Start the embedded sandbox and run every method through every transport',
  description:
    'Starts the embedded sandbox, walks all six methods through every transport, and prints a table transport × method ' +
    'with each result and its latency. A transport whose package is not installed is shown as such. Exit code 0 when every ' +
    'installed transport passes every method, 1 otherwise. Needs no configuration and no network. To watch such calls ' +
    'live, run `afilnet-chat sandbox` and open the inbox URL it prints.',
  callsApi: false,
  options: [],
  examples: ['afilnet-chat demo', 'afilnet-chat demo --json'],
  async run(context) {
    // Loaded here: every other command starts faster without the sandbox.
    const { runDemo } = await import('../run-demo.js');
    const rows = await runDemo();
    context.print(rows, () => `${renderTable(COLUMNS, rows)}\n${summary(rows)}`);
    return rows.some((r) => r.cells.some((c) => c.outcome === 'failed'))
      ? EXIT_CODES.FAILURE
      : EXIT_CODES.OK;
  },
};
