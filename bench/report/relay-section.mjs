/**
 * The "Webhooks: afilnet-chat relay" section of bench/RESULTS.md: measured by
 * `pnpm bench:relay` (scripts/relay-bench.mjs), kept in bench/relay-results.json so that a full
 * `pnpm bench` run, which rewrites RESULTS.md, keeps it.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { markdownTable, putResultsSection } from './markdown.mjs';

export const RELAY_RECORD = new URL('../relay-results.json', import.meta.url);
const HEADING = '## Webhooks: afilnet-chat relay';

const int = (n) => Math.round(n).toLocaleString('en-US');
const two = (n) => n.toFixed(2);

/** The section's Markdown for one record, or '' when there is none. */
export function renderRelaySection(
  record = existsSync(RELAY_RECORD) ? JSON.parse(readFileSync(RELAY_RECORD, 'utf8')) : undefined,
) {
  if (record === undefined) return '';
  const r = record;
  const rows = r.runs.map((run) => [
    run.mode,
    `${run.processes} × ${run.concurrency}`,
    `${int(run.burst.messages)} in ${run.burst.conversations} conversations`,
    int(run.burst.perSecond),
    `${int(run.steady.messages)} at ${run.steady.rate}/s`,
    int(run.steady.p50Ms),
    int(run.steady.p99Ms),
    run.lost,
    run.repeats,
  ]);
  return [
    HEADING,
    '',
    `Written by \`pnpm bench:relay\` on ${r.date}: the sandbox, a receiver verifying every request with standardwebhooks and the relay (poll interval ${r.intervalMs} ms) on ${r.cores} cores shared by every process, load average at the start ${r.load.map(two).join(', ')}. **Reproduce:** \`pnpm bench:relay\`.`,
    '',
    markdownTable(
      [
        'mode',
        'processes × deliveries in flight',
        'burst',
        'deliveries/s',
        'steady stream',
        'p50 inbound → 2xx, ms',
        'p99 inbound → 2xx, ms',
        'lost',
        'delivered twice',
      ],
      rows,
    ),
    '',
    'Deliveries/s: a burst injected at once, from the injection to the last 2xx. Latency: messages injected one by one at a steady rate, from the injection into the sandbox to the receiver answering 2xx; it includes the wait for the next poll (up to one interval).',
  ].join('\n');
}

/** Stores `record` and puts its section into bench/RESULTS.md, replacing the previous one. */
export function saveRelayRecord(record) {
  writeFileSync(RELAY_RECORD, `${JSON.stringify(record, null, 2)}\n`);
  const section = renderRelaySection(record);
  putResultsSection(HEADING, section);
}
