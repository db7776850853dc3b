/**
 * The "Bulk sending through BullMQ" section of bench/RESULTS.md: measured by
 * `pnpm load --fleet` (scripts/fleet-load.mjs), kept in bench/fleet-results.json so that a
 * full `pnpm bench` run, which rewrites RESULTS.md, keeps it.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { markdownTable, putResultsSection } from './markdown.mjs';

export const FLEET_RECORD = new URL('../fleet-results.json', import.meta.url);
const HEADING = '## Bulk sending through BullMQ';

const int = (n) => Math.round(n).toLocaleString('en-US');
const two = (n) => n.toFixed(2);
const median = (values) => {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** The section's Markdown for one record, or '' when there is none. */
export function renderFleetSection(
  record = existsSync(FLEET_RECORD) ? JSON.parse(readFileSync(FLEET_RECORD, 'utf8')) : undefined,
) {
  if (record === undefined) return '';
  const r = record;
  return [
    HEADING,
    '',
    `Written by \`pnpm load --fleet\` on ${r.date}: ${int(r.sends)} sendmessage calls (${r.transport}) into the sandbox on ${r.cores} cores shared by every process (sandbox, producer, workers, Redis), load average at the start ${r.load.map(two).join(', ')}, Redis ${r.redisVersion}, BullMQ ${r.bullmqVersion}. **Reproduce:** \`pnpm load --fleet --workers ${r.workers}${r.rounds === undefined ? '' : ` --sends ${r.sends} --rounds ${r.rounds}`}\`.`,
    '',
    markdownTable(
      [
        'path',
        'processes',
        'in flight',
        'messages/s',
        '× direct',
        'Redis round trips per message',
        'Redis commands per message (with Lua calls)',
        'lost',
        'received twice',
      ],
      [
        [
          'client called directly',
          1,
          r.workers * r.concurrency,
          int(r.direct.perSecond),
          '1.00',
          '',
          '',
          r.direct.lost,
          r.direct.duplicates,
        ],
        [
          `queue → ${r.workers} BullMQ worker processes`,
          `${r.workers} + 1 producer`,
          `${r.workers} × ${r.concurrency}`,
          int(r.fleet.perSecond),
          two(r.fleet.perSecond / r.direct.perSecond),
          two(r.roundTripsPerMessage),
          two(r.commandsPerMessage),
          r.fleet.lost,
          r.fleet.duplicates,
        ],
        ...(r.bare === undefined
          ? []
          : [
              [
                `queue → ${r.workers} bare BullMQ worker processes (\`new Worker(name, job => client.sendMessage(job.data.input))\`, jobs added with \`queue.add(name, data, { jobId })\`)`,
                `${r.workers} + 1 producer`,
                `${r.workers} × ${r.concurrency}`,
                int(r.bare.perSecond),
                two(r.bare.perSecond / r.direct.perSecond),
                '',
                two(r.bare.commandsPerMessage),
                r.bare.lost,
                r.bare.duplicates,
              ],
            ]),
      ],
    ),
    ...(r.ratios === undefined
      ? []
      : [
          '',
          `Queue ÷ bare BullMQ, messages/s, over ${r.ratios.length} interleaved rounds (the two worker fleets running side by side, each round one slice of ${int(r.sends / r.ratios.length)} sends through each, the order alternating): **median ${two(median(r.ratios))}**, range ${two(Math.min(...r.ratios))}–${two(Math.max(...r.ratios))} (${r.ratios.map(two).join(', ')}).`,
        ]),
    '',
    'Messages/s through the queue run from the first enqueue to the last job completed, enqueueing included. Round trips are the commands clients sent (producer and workers; MONITOR lines not issued by Lua, during a separate counting pass of ' +
      `${int(r.countedSends)} sends, the producer's progress polls subtracted); commands include those BullMQ's Lua scripts run (\`INFO commandstats\` before and after the timed pass).`,
  ].join('\n');
}

/** Stores `record` and puts its section into bench/RESULTS.md, replacing the previous one. */
export function saveFleetRecord(record) {
  writeFileSync(FLEET_RECORD, `${JSON.stringify(record, null, 2)}\n`);
  const section = renderFleetSection(record);
  putResultsSection(HEADING, section);
}
