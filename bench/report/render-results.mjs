/**
 * Renders bench/RESULTS.md from one run's measurements. Every ratio is computed per round
 * (subjects of a round ran minutes apart at most, on the same responder) and then summarised
 * as median [min–max] over the rounds. A table is a list of columns, each a heading and the
 * cell it makes of a row; a target is a row of TARGETS, named by the transport entries.
 */
import { existsSync, readFileSync } from 'node:fs';
import { METHODS } from '../subjects/bench-input.mjs';
import { SCENARIOS, TOKEN_SCENARIOS, scenarioKey } from '../runner/plan-subjects.mjs';
import { renderFleetSection } from './fleet-section.mjs';
import { keptResultsSections, markdownTable } from './markdown.mjs';
import { renderRelaySection } from './relay-section.mjs';
import { renderSoakSection } from './soak-section.mjs';
import { summarize } from './stats.mjs';

const NOTES = new URL('../profiling-notes.md', import.meta.url);
const MEMORY_LIMIT_MB = 20;
const CPU = 'clientCpuUsPerCall';
const AT_64 = METHODS.map((method) => scenarioKey({ method, concurrency: 64 }));

const fixed = (digits) => (v) => (Number.isFinite(v) ? v.toFixed(digits) : '–');
const int = (v) => (Number.isFinite(v) ? Math.round(v).toLocaleString('en-US') : '–');
const one = fixed(1);
const two = fixed(2);
const count = (n) => n.toLocaleString('en-US');

/** A summary as `median [min–max]` (the median alone for one round, `–` for none). */
function range(summary, format) {
  if (!summary || summary.n === 0) return '–';
  if (summary.n === 1) return format(summary.median);
  return `${format(summary.median)} [${format(summary.min)}–${format(summary.max)}]`;
}
const spread = (summary) => range(summary, two);
const middle = (summary) => two(summary.median);

/**
 * A Markdown table of `columns` (`[heading, cell(row)]`) over `rows`; a row that is already an
 * array of cells (a failure, a comparison) stays as it is.
 */
const columnsTable = (columns, rows) =>
  markdownTable(
    columns.map(([heading]) => heading),
    rows.map((row) => (Array.isArray(row) ? row : columns.map(([, cell]) => cell(row)))),
  );

/** One run's results by subject, scenario and round. */
function resultsReader(results) {
  const rounds = (id, key) => results.get(id)?.get(key) ?? [];
  return {
    /** A field's summary over the rounds. */
    field: (id, key, name) => summarize(rounds(id, key).flatMap((r) => (r ? [r[name]] : []))),
    /** The summary of `id`'s field over `baseId`'s, computed per round. */
    ratio(id, baseId, key, name = 'reqPerSec') {
      const a = rounds(id, key);
      const b = rounds(baseId, key);
      const values = [];
      for (let i = 0; i < Math.max(a.length, b.length); i++) {
        if (a[i] && b[i]) values.push(a[i][name] / b[i][name]);
      }
      return summarize(values);
    },
  };
}

/**
 * Columns over rows `{ id, key, ...roles }` (a subject, a scenario, the subject ids it is
 * compared with): a field's median (of `id`, or of a role's subject), its median [min–max], and
 * its per-round ratio to a role's subject.
 */
function columnMakers(read) {
  return {
    median: (heading, name, format, role) => [
      heading,
      (r) => format(read.field(role ? r[role] : r.id, r.key, name).median),
    ],
    range: (heading, name, format) => [
      heading,
      (r) => range(read.field(r.id, r.key, name), format),
    ],
    // Against a yardstick: the yardstick's own row is 1.00 by definition.
    ratio: (heading, role, name, format) => [
      heading,
      (r) => (r.id === r[role] ? '1.00' : format(read.ratio(r.id, r[role], r.key, name))),
    ],
  };
}

/** The subject ids a transport's rows compare: our client, the limit, `undici.request`, the peer. */
const rolesOf = ({ name, peer }) => ({
  t: name,
  client: `${name}:client`,
  limit: `${name}:raw-dispatch`,
  request: `${name}:raw-undici`,
  peer: peer ? `${name}:${peer}` : undefined,
  peerName: peer,
});

/** One row per subject of each available transport, in one scenario. */
function throughputTable(read, available, subjects, scenario) {
  const key = scenarioKey(scenario);
  const rows = available.flatMap(({ entry }) =>
    subjects
      .filter((s) => s.transport === entry.name)
      .map(({ id, kind, label }) => ({ ...rolesOf(entry), id, kind, label, key })),
  );
  const c = columnMakers(read);
  const bold = (text) => (r) => (r.kind === 'client' ? `**${text(r)}**` : text(r));
  return columnsTable(
    [
      ['transport', bold((r) => r.t)],
      ['client', bold((r) => r.label)],
      c.range('req/s median [min–max]', 'reqPerSec', int),
      c.ratio('× dispatch (limit)', 'limit', 'reqPerSec', spread),
      c.ratio('× undici.request', 'request', 'reqPerSec', spread),
      [
        '× peer',
        (r) => (r.kind === 'client' && r.peer ? spread(read.ratio(r.id, r.peer, key)) : ''),
      ],
      c.median('mean ms', 'meanMs', two),
      c.median('p99 ms', 'p99Ms', two),
      c.median('client CPU µs/call', CPU, int),
      c.ratio('CPU × dispatch', 'limit', CPU, middle),
      c.ratio('CPU × undici.request', 'request', CPU, middle),
      c.median('responder CPU µs/call', 'serverCpuUsPerCall', int),
      c.median('new conns/call', 'connectionsPerCall', two),
      c.median('peak RSS MB', 'peakRssMb', one),
    ],
    rows,
  );
}

/**
 * Our client beside both yardsticks at concurrency 64, one row per transport and method: the
 * requests per second and CPU time per call ratios the targets are stated in, and the CPU time
 * per call of each (medians over the rounds).
 */
function limitTable(read, available) {
  const rows = available.flatMap(({ entry }) =>
    METHODS.map((method, i) => ({
      ...rolesOf(entry),
      id: `${entry.name}:client`,
      method,
      key: AT_64[i],
    })),
  );
  const c = columnMakers(read);
  const cpu = (r, role) => int(read.field(r[role], r.key, CPU).median);
  return columnsTable(
    [
      ['transport', (r) => r.t],
      ['method', (r) => r.method],
      c.ratio('req/s × dispatch, median [min–max]', 'limit', 'reqPerSec', spread),
      c.ratio('CPU/call × dispatch', 'limit', CPU, middle),
      ['CPU µs/call, ours vs dispatch', (r) => `${cpu(r, 'client')} vs ${cpu(r, 'limit')}`],
      c.ratio('req/s × undici.request', 'request', 'reqPerSec', spread),
      c.ratio('CPU/call × undici.request', 'request', CPU, middle),
      c.median('undici.request CPU µs/call', CPU, int, 'request'),
    ],
    rows,
  );
}

const SIMPLE_OAUTH2 = 'oauth:token-simple-oauth2';
/** oauth4webapi, as the json-oauth transport uses it, each way against simple-oauth2. */
const TOKEN_COMPARISONS = [
  ['oauth:token-oauth4webapi', 'oauth4webapi (global fetch)'],
  ['oauth:token-oauth4webapi-undici', 'oauth4webapi (undici)'],
];

/** Each token subject per concurrency, then oauth4webapi's ratios to simple-oauth2. */
function tokenTable(read, subjects) {
  const rows = TOKEN_SCENARIOS.flatMap(({ concurrency, method }) => {
    const key = scenarioKey({ concurrency, method });
    return [
      ...subjects
        .filter((s) => s.transport === 'oauth')
        .map(({ id, label }) => ({ id, label, key, concurrency, limit: 'oauth:token-raw-undici' })),
      ...TOKEN_COMPARISONS.map(([id, label]) => [
        String(concurrency),
        `*${label} ÷ simple-oauth2*`,
        spread(read.ratio(id, SIMPLE_OAUTH2, key)),
        '',
        '',
        '',
        `CPU × ${middle(read.ratio(id, SIMPLE_OAUTH2, key, CPU))}`,
        '',
        '',
      ]),
    ];
  });
  const c = columnMakers(read);
  return columnsTable(
    [
      ['concurrency', (r) => String(r.concurrency)],
      ['client', (r) => r.label],
      c.range('token requests/s median [min–max]', 'reqPerSec', int),
      c.ratio('× limit', 'limit', 'reqPerSec', spread),
      c.median('mean ms', 'meanMs', two),
      c.median('p99 ms', 'p99Ms', two),
      c.median('client CPU µs/request', CPU, int),
      c.median('new conns/request', 'connectionsPerCall', two),
      c.median('peak RSS MB', 'peakRssMb', one),
    ],
    rows,
  );
}

/**
 * The targets a transport entry can set (`entry.targets`, see subjects/transport-entries.mjs),
 * each at concurrency 64 for every method: the per-round ratio its verdict is on (`ratio`: two
 * roles of rolesOf and the field, requests per second by default), a floor unless `atMost`, and
 * what is shown beside that ratio (`beside(m)`, `m(a, b, field)` the median ratio of roles a to b);
 * `needsPeer` for those left out when the transport has no peer.
 */
const TARGETS = [
  {
    name: 'vsLimit',
    label: (r, x) => `${r.t} ≥ ${x.toFixed(2)}× raw Agent.dispatch() req/s at concurrency 64`,
    ratio: ['client', 'limit'],
    // The CPU cost ratio, inverted: what the throughput ratio tends to when the client's core
    // is the bottleneck, and steadier than wall-clock throughput on a loaded machine.
    beside: (m) => `by CPU ${m('limit', 'client', CPU)}`,
  },
  {
    name: 'cpuVsLimit',
    label: (r, x) =>
      `${r.t} client CPU per call ≤ ${x.toFixed(1)}× raw Agent.dispatch()'s at concurrency 64`,
    ratio: ['client', 'limit', CPU],
    atMost: true,
  },
  {
    name: 'vsPeer',
    label: (r, x) => `${r.t} ≥ ${x}× ${r.peerName} req/s at concurrency 64`,
    ratio: ['client', 'peer'],
    needsPeer: true,
    // The most any client on the same HTTP stack could reach: the limit over the peer.
    beside: (m) => `the limit itself: ${m('limit', 'peer')}`,
  },
  {
    name: 'vsPeerShareOfRequest',
    label: (r, x) =>
      `${r.t} ÷ ${r.peerName} ≥ ${x.toFixed(2)}× undici.request's own ratio to ${r.peerName}, req/s at concurrency 64`,
    // Per round, (client ÷ peer) ÷ (undici.request ÷ peer): the peer's own noise cancels out.
    ratio: ['client', 'request'],
    beside: (m) => `ours ${m('client', 'peer')}× vs undici.request's ${m('request', 'peer')}×`,
    needsPeer: true,
  },
];

/**
 * A memory run's figures. The RSS of a busy Node process oscillates by tens of MB as garbage
 * promoted to the old generation waits for a full collection, so two single samples can differ
 * by that much without any leak. Growth is therefore the rise of the peaks: the highest RSS of
 * the second half of the samples minus the highest of the first half (the first sample, taken
 * after pools and JIT settled, starting the first half). A leak raises the later peaks; an
 * oscillation does not. The live heap after a forced collection at the first and the last sample
 * is the direct test for live objects piling up.
 */
function memorySummary(outcome) {
  if (!outcome.ok) return { error: outcome.error };
  const { samples } = outcome.value;
  const half = Math.ceil(samples.length / 2);
  const peakOf = (list) => Math.max(...list.map((s) => s.rssMb));
  const firstHalfPeak = peakOf(samples.slice(0, half));
  const secondHalfPeak = samples.length > 1 ? peakOf(samples.slice(half)) : firstHalfPeak;
  return {
    first: samples[0],
    last: samples.at(-1),
    peak: Math.max(firstHalfPeak, secondHalfPeak),
    low: Math.min(...samples.map((s) => s.rssMb)),
    firstHalfPeak,
    secondHalfPeak,
    growth: secondHalfPeak - firstHalfPeak,
  };
}

function targetsTable(read, available, soaks) {
  const verdict = (summaries, meets) => {
    if (summaries.some((s) => s.n === 0)) return 'not measured';
    return summaries.every((s) => meets(s.median)) ? 'met' : '**missed**';
  };
  const ratioRows = available.flatMap(({ entry }) => {
    const r = rolesOf(entry);
    return TARGETS.filter(
      (target) => entry.targets?.[target.name] !== undefined && (r.peer || !target.needsPeer),
    ).map((target) => {
      const x = entry.targets[target.name];
      const [a, b, field] = target.ratio;
      const summaries = AT_64.map((key) => read.ratio(r[a], r[b], key, field));
      const cells = summaries.map((s, i) => {
        const m = (c, d, name) => middle(read.ratio(r[c], r[d], AT_64[i], name));
        return target.beside ? `${spread(s)}; ${target.beside(m)}` : spread(s);
      });
      const meets = target.atMost ? (median) => median <= x : (median) => median >= x;
      return [target.label(r, x), ...cells, verdict(summaries, meets)];
    });
  });
  const memoryRows = soaks.map((outcome) => {
    const s = memorySummary(outcome);
    const calls = outcome.ok ? count(outcome.value.calls) : '?';
    return [
      `${outcome.transport} RSS growth < ${MEMORY_LIMIT_MB} MB over ${calls} sendmessage calls`,
      '',
      s.error
        ? `failed: ${s.error}`
        : `${one(s.growth)} MB (RSS ${one(s.low)}–${one(s.peak)} MB; live heap ${one(s.first.liveHeapMb)} → ${one(s.last.liveHeapMb)} MB)`,
      !s.error && s.growth < MEMORY_LIMIT_MB ? 'met' : '**missed**',
    ];
  });
  return markdownTable(
    [
      'target',
      ...METHODS.map((m) => `${m}: median [min–max] of per-round ratios; by CPU`),
      'verdict',
    ],
    [...ratioRows, ...memoryRows],
  );
}

/** One row per memory run: the RSS samples, the peaks of each half and the live heap. */
function memoryTable(soaks, sampleEvery) {
  const rows = soaks.map((outcome) => {
    const s = memorySummary(outcome);
    return s.error
      ? [outcome.transport, 'failed', s.error, '', '', '', '', '']
      : { ...outcome.value, ...s, transport: outcome.transport };
  });
  return columnsTable(
    [
      ['transport', (r) => r.transport],
      ['calls', (r) => `${count(r.calls)}${r.timedOut ? ' (time limit)' : ''}`],
      ['RSS before the first call MB', (r) => one(r.startRssMb)],
      [
        `RSS every ${count(sampleEvery)} calls MB`,
        (r) => r.samples.map((x) => one(x.rssMb)).join(' '),
      ],
      ['peak, first half MB', (r) => one(r.firstHalfPeak)],
      ['peak, second half MB', (r) => one(r.secondHalfPeak)],
      ['growth MB', (r) => `**${one(r.growth)}**`],
      [
        'live heap after GC MB (first → last sample)',
        (r) => `${one(r.first.liveHeapMb)} → ${one(r.last.liveHeapMb)}`,
      ],
    ],
    rows,
  );
}

function importTable(coldImports) {
  return columnsTable(
    [
      ['modules imported', (c) => c.label],
      ['process wall ms median [min–max]', (c) => range(c.wallMs, one)],
      ['import wall ms', (c) => one(c.importMs)],
      ['import CPU ms', (c) => one(c.importCpuMs)],
    ],
    coldImports.map((c) => (c.error ? [c.label, `failed: ${c.error}`, '', ''] : c)),
  );
}

function sizeTable(sizes) {
  const kb = (bytes) =>
    `${(bytes / 1024).toLocaleString('en-US', { maximumFractionDigits: 0 })} kB`;
  return columnsTable(
    [
      ['package', (s) => s.label],
      ['runtime tree size', (s) => kb(s.bytes)],
      ['packages in tree', (s) => String(s.packages)],
      ['largest in tree', (s) => s.largest.map((l) => `${l.name} ${kb(l.bytes)}`).join(', ')],
    ],
    sizes.map((s) => (s.error ? [s.label, s.error, '', ''] : s)),
  );
}

/** A heading line followed by a bulleted list, or '' when the list is empty. */
const listBlock = (heading, items) =>
  items.length === 0 ? '' : `${heading}\n\n${items.map((item) => `- ${item}`).join('\n')}`;

/** RESULTS.md for one run: its blocks (paragraphs, tables, sections) separated by blank lines. */
export function renderResults(run) {
  const { options, machine, available, skipped, subjects, throughput, soaks, coldImports, sizes } =
    run;
  const read = resultsReader(throughput.results);
  const minutes = ((run.finishedAt - run.startedAt) / 60_000).toFixed(1);
  const command = options.mode === 'quick' ? 'pnpm bench --quick' : 'pnpm bench';
  const loads = (list) => list.map((l) => l.toFixed(2)).join(', ');
  const blocks = [
    '# Benchmark results',
    `Written by \`${command}\` on ${run.startedAt.toISOString()} (${options.mode} run, ${options.rounds} rounds, ${minutes} min). ` +
      'Do not edit by hand: the next run replaces this file. How it is measured: [README.md](README.md).',
    options.mode === 'quick' || options.rounds < 5
      ? '> This is a smoke run: too few rounds and too short windows for the numbers to be relied on. Run `pnpm bench` for the report.'
      : '',
    '**Reproduce:** `pnpm install && pnpm bench` (about 8 minutes; `pnpm bench --quick` for a 2-minute smoke run).',
    '## Machine',
    [
      `- CPU: ${machine.cpuModel}, **${machine.cpuCount} cores**; memory ${one(machine.memoryGb)} GB; ${machine.os}`,
      `- Node.js **${machine.node}** (bundled undici ${machine.bundledUndici}, used by global fetch); undici ${machine.undici} (used by our client and the limit)`,
      `- Load average (1, 5, 15 min) at the start of the run: ${loads(run.loadAtStart)}; at the end: ${loads(machine.loadAverage)}. ` +
        'The machine is shared: absolute numbers move with the load, ratios measured side by side much less.',
      `- Windows: per worker and method a warm-up of up to ${count(options.jitWarmupCalls)} calls (${options.jitWarmupMs} ms); per round, scenario and subject ${options.slicesPerRound} measured slices of ${options.sliceMs} ms alternating with the other subjects of the transport (after ${options.warmupMs} ms of warm-up); ${options.rounds} rounds`,
    ].join('\n'),
    '## Targets',
    targetsTable(read, available, soaks),
    "`by CPU`: the limit's (raw `Agent.dispatch()`) CPU time per call ÷ our client's (median of per-round ratios): the throughput ratio a client whose " +
      'own core is the bottleneck tends to, and the steadier figure when other processes load the machine. The verdict is on ' +
      'the throughput ratio, as the target is stated. `the limit itself`: raw `Agent.dispatch()` ÷ the peer, the most a client on ' +
      'undici could reach against that peer on this machine.',
    '## At the limit of undici (concurrency 64)',
    "Our client beside undici's lowest public API, `Agent.dispatch()` with a minimal handler that gathers the body chunks and " +
      'decodes them once (the limit), and beside `undici.request` (the familiar yardstick), all three sending the same bytes. ' +
      'Ratios are computed per round, subjects measured in alternating slices; CPU time per call is user + system of the ' +
      "subject's process, GC included.",
    limitTable(read, available),
    listBlock(
      'Transports left out of this run (their targets are not measured):',
      skipped.map((s) => `**${s.name}**: ${s.reason}`),
    ),
    listBlock(
      'Subjects that failed in at least one round (their rounds are missing from the tables):',
      [...throughput.failures].map(([id, error]) => `${id}: ${error}`),
    ),
    '## Throughput and cost per call',
    "`× dispatch (limit)`: requests per second as a ratio of raw `Agent.dispatch()` sending the same transport's pre-encoded bytes, " +
      'computed per round then summarised; `× undici.request`: the same against `undici.request`; `× peer`: our client ÷ the peer (afilnet package for post, node-soap for soap). ' +
      '`CPU × dispatch`, `CPU × undici.request`: client CPU time per call ÷ theirs (a cost ratio: lower is better). ' +
      '`responder CPU µs/call` shows that the responder is not the bottleneck (it runs in its own process, on the other core). ' +
      '`new conns/call` near 0 means connections are kept alive. Other columns are medians over the rounds. ' +
      'The afilnet package has no chat class: its `sms.send` and `sms.getDeliveryStatus` form POSTs, answered with the same ' +
      'envelopes, stand in for sendmessage and getchatchannels (see README.md).',
    ...SCENARIOS.flatMap((scenario) => [
      `### ${scenario.method}, concurrency ${scenario.concurrency}`,
      throughputTable(read, available, subjects, scenario),
    ]),
    '## OAuth 2.0 token requests (client credentials)',
    "One complete token request per call, no cache, `client_secret_basic`, against the responder's `/api/oauth/token`.",
    tokenTable(read, subjects),
    `## Memory over ${count(options.soakCalls)} calls`,
    `Each transport sends ${count(options.soakCalls)} sendmessage calls at concurrency 64 in one process; growth is the highest RSS of the second half of the samples minus the highest of the first half (RSS oscillates by tens of MB as promoted garbage waits for a full collection; a leak raises the later peaks); the live heap is measured after a forced collection at the first and the last sample.`,
    memoryTable(soaks, options.soakSampleEvery),
    '## Cold import',
    `A fresh \`node\` process imports the modules, timed whole with hyperfine, ${options.importRuns} runs per row after a warm-up run. ` +
      'The import is what that process takes above the same process importing nothing (the first row): wall time (median) and CPU time (user + system, mean of the runs).',
    importTable(coldImports),
    '## Installed size of the runtime dependency tree',
    'The package plus everything reachable through `dependencies`, each package once (workspace packages: what they publish, `dist` and `src`).',
    sizeTable(sizes),
    // Recorded by other commands (`pnpm load --fleet`, `pnpm load --inbound`,
    // `bench/telemetry-cost.mjs`, `pnpm bench:relay`, `bench/soak-inbound.mjs`), not by this
    // run: kept as they are.
    renderFleetSection(),
    ...keptResultsSections('## Listening to the account'),
    ...keptResultsSections('## OpenTelemetry without an SDK'),
    renderRelaySection(),
    renderSoakSection(),
    existsSync(NOTES) ? readFileSync(NOTES, 'utf8').trim() : '',
  ];
  return `${blocks.filter((block) => block !== '').join('\n\n')}\n`;
}
