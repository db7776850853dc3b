/**
 * Renders bench/RESULTS.md from one run's measurements. Every ratio is computed per round
 * (subjects of a round ran minutes apart at most, on the same responder) and then summarised
 * as median [min–max] over the rounds.
 */
import { existsSync, readFileSync } from 'node:fs';
import { METHODS } from '../subjects/bench-input.mjs';
import { SCENARIOS, TOKEN_SCENARIOS, scenarioKey } from '../runner/plan-subjects.mjs';
import { renderFleetSection } from './fleet-section.mjs';
import { keptResultsSections } from './markdown.mjs';
import { renderRelaySection } from './relay-section.mjs';
import { renderSoakSection } from './soak-section.mjs';
import { summarize } from './stats.mjs';

const NOTES = new URL('../profiling-notes.md', import.meta.url);
const MEMORY_LIMIT_MB = 20;

const int = (v) => (Number.isFinite(v) ? Math.round(v).toLocaleString('en-US') : '–');
const fixed = (digits) => (v) => (Number.isFinite(v) ? v.toFixed(digits) : '–');
const two = fixed(2);
const one = fixed(1);

function range(summary, format) {
  if (!summary || summary.n === 0) return '–';
  if (summary.n === 1) return format(summary.median);
  return `${format(summary.median)} [${format(summary.min)}–${format(summary.max)}]`;
}

function table(header, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Reading one run's results by subject, scenario and round. */
function resultsReader(results) {
  const rounds = (id, key) => results.get(id)?.get(key) ?? [];
  return {
    field(id, key, name) {
      return summarize(
        rounds(id, key)
          .filter(Boolean)
          .map((r) => r[name]),
      );
    },
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

function scenarioTitle({ method, concurrency }) {
  return `${method}, concurrency ${concurrency}`;
}

function throughputTable(scenario, subjects, available, read) {
  const key = scenarioKey(scenario);
  const rows = [];
  for (const { entry } of available) {
    const t = entry.name;
    const limit = `${t}:raw-dispatch`;
    const request = `${t}:raw-undici`;
    const peer = entry.peer ? `${t}:${entry.peer}` : undefined;
    for (const subject of subjects.filter((s) => s.transport === t)) {
      const id = subject.id;
      const isClient = subject.kind === 'client';
      rows.push([
        isClient ? `**${t}**` : t,
        isClient ? `**${subject.label}**` : subject.label,
        range(read.field(id, key, 'reqPerSec'), int),
        id === limit ? '1.00' : range(read.ratio(id, limit, key), two),
        id === request ? '1.00' : range(read.ratio(id, request, key), two),
        isClient && peer ? range(read.ratio(id, peer, key), two) : '',
        two(read.field(id, key, 'meanMs').median),
        two(read.field(id, key, 'p99Ms').median),
        int(read.field(id, key, 'clientCpuUsPerCall').median),
        id === limit ? '1.00' : two(read.ratio(id, limit, key, 'clientCpuUsPerCall').median),
        id === request ? '1.00' : two(read.ratio(id, request, key, 'clientCpuUsPerCall').median),
        int(read.field(id, key, 'serverCpuUsPerCall').median),
        two(read.field(id, key, 'connectionsPerCall').median),
        one(read.field(id, key, 'peakRssMb').median),
      ]);
    }
  }
  return table(
    [
      'transport',
      'client',
      'req/s median [min–max]',
      '× dispatch (limit)',
      '× undici.request',
      '× peer',
      'mean ms',
      'p99 ms',
      'client CPU µs/call',
      'CPU × dispatch',
      'CPU × undici.request',
      'responder CPU µs/call',
      'new conns/call',
      'peak RSS MB',
    ],
    rows,
  );
}

/**
 * Our client beside both yardsticks at concurrency 64, one row per transport and method: the
 * requests per second and CPU time per call ratios the targets are stated in, and the CPU time
 * per call of each (medians over the rounds).
 */
function limitTable(available, read) {
  const rows = [];
  for (const { entry } of available) {
    const t = entry.name;
    const [client, limit, request] = [`${t}:client`, `${t}:raw-dispatch`, `${t}:raw-undici`];
    for (const method of METHODS) {
      const key = scenarioKey({ method, concurrency: 64 });
      const cpu = (id) => int(read.field(id, key, 'clientCpuUsPerCall').median);
      rows.push([
        t,
        method,
        range(read.ratio(client, limit, key), two),
        two(read.ratio(client, limit, key, 'clientCpuUsPerCall').median),
        `${cpu(client)} vs ${cpu(limit)}`,
        range(read.ratio(client, request, key), two),
        two(read.ratio(client, request, key, 'clientCpuUsPerCall').median),
        cpu(request),
      ]);
    }
  }
  return table(
    [
      'transport',
      'method',
      'req/s × dispatch, median [min–max]',
      'CPU/call × dispatch',
      'CPU µs/call, ours vs dispatch',
      'req/s × undici.request',
      'CPU/call × undici.request',
      'undici.request CPU µs/call',
    ],
    rows,
  );
}

function tokenTable(subjects, read) {
  const tokenSubjects = subjects.filter((s) => s.transport === 'oauth');
  const limit = 'oauth:token-raw-undici';
  const rows = [];
  for (const scenario of TOKEN_SCENARIOS) {
    const key = scenarioKey(scenario);
    for (const s of tokenSubjects) {
      rows.push([
        String(scenario.concurrency),
        s.label,
        range(read.field(s.id, key, 'reqPerSec'), int),
        s.id === limit ? '1.00' : range(read.ratio(s.id, limit, key), two),
        two(read.field(s.id, key, 'meanMs').median),
        two(read.field(s.id, key, 'p99Ms').median),
        int(read.field(s.id, key, 'clientCpuUsPerCall').median),
        two(read.field(s.id, key, 'connectionsPerCall').median),
        one(read.field(s.id, key, 'peakRssMb').median),
      ]);
    }
    for (const [id, label] of [
      ['oauth:token-oauth4webapi', 'oauth4webapi (global fetch)'],
      ['oauth:token-oauth4webapi-undici', 'oauth4webapi (undici)'],
    ]) {
      rows.push([
        String(scenario.concurrency),
        `*${label} ÷ simple-oauth2*`,
        range(read.ratio(id, 'oauth:token-simple-oauth2', key), two),
        '',
        '',
        '',
        `CPU × ${two(read.ratio(id, 'oauth:token-simple-oauth2', key, 'clientCpuUsPerCall').median)}`,
        '',
        '',
      ]);
    }
  }
  return table(
    [
      'concurrency',
      'client',
      'token requests/s median [min–max]',
      '× limit',
      'mean ms',
      'p99 ms',
      'client CPU µs/request',
      'new conns/request',
      'peak RSS MB',
    ],
    rows,
  );
}

/**
 * A memory run's figures. The RSS of a busy Node process oscillates by tens of MB as garbage
 * promoted to the old generation waits for a full collection, so two single samples can differ
 * by that much without any leak. Growth is therefore the rise of the peaks: the highest RSS of
 * the second half of the samples minus the highest of the first half (the first sample, taken
 * after pools and JIT settled, starting the first half). A leak raises the later peaks; an
 * oscillation does not. The live heap after a forced collection at the first and the last sample
 * is the direct test for live objects piling up.
 */
function soakSummary(outcome) {
  if (!outcome.ok) return { error: outcome.error };
  const { samples } = outcome.value;
  const first = samples[0];
  const last = samples.at(-1);
  const half = Math.ceil(samples.length / 2);
  const peakOf = (list) => Math.max(...list.map((s) => s.rssMb));
  const firstHalfPeak = peakOf(samples.slice(0, half));
  const secondHalfPeak = samples.length > 1 ? peakOf(samples.slice(half)) : firstHalfPeak;
  const low = Math.min(...samples.map((s) => s.rssMb));
  const peak = Math.max(firstHalfPeak, secondHalfPeak);
  return {
    first,
    last,
    peak,
    low,
    firstHalfPeak,
    secondHalfPeak,
    growth: secondHalfPeak - firstHalfPeak,
  };
}

function targetRows(available, read, soaks) {
  const rows = [];
  const verdict = (summaries, meets) =>
    summaries.some((s) => s.n === 0)
      ? 'not measured'
      : summaries.every((s) => meets(s.median))
        ? 'met'
        : '**missed**';
  const atLeast = (target) => (median) => median >= target;
  const keys = METHODS.map((m) => scenarioKey({ method: m, concurrency: 64 }));
  for (const { entry } of available) {
    const t = entry.name;
    const client = `${t}:client`;
    const limit = `${t}:raw-dispatch`;
    const request = `${t}:raw-undici`;
    const peer = entry.peer ? `${t}:${entry.peer}` : undefined;
    const { vsLimit, cpuVsLimit, vsPeer, vsPeerShareOfRequest } = entry.targets ?? {};
    if (vsLimit !== undefined) {
      const s = keys.map((key) => read.ratio(client, limit, key));
      // The CPU cost ratio, inverted: what the throughput ratio tends to when the client's core
      // is the bottleneck, and steadier than wall-clock throughput on a loaded machine.
      const cpu = keys.map((key) => read.ratio(limit, client, key, 'clientCpuUsPerCall'));
      rows.push([
        `${t} ≥ ${vsLimit.toFixed(2)}× raw Agent.dispatch() req/s at concurrency 64`,
        ...s.map((x, i) => `${range(x, two)}; by CPU ${two(cpu[i].median)}`),
        verdict(s, atLeast(vsLimit)),
      ]);
    }
    if (cpuVsLimit !== undefined) {
      const s = keys.map((key) => read.ratio(client, limit, key, 'clientCpuUsPerCall'));
      rows.push([
        `${t} client CPU per call ≤ ${cpuVsLimit.toFixed(1)}× raw Agent.dispatch()'s at concurrency 64`,
        ...s.map((x) => range(x, two)),
        verdict(s, (median) => median <= cpuVsLimit),
      ]);
    }
    if (vsPeer !== undefined && peer) {
      const s = keys.map((key) => read.ratio(client, peer, key));
      // The most any client on the same HTTP stack could reach: the limit over the peer.
      const ceiling = keys.map((key) => read.ratio(limit, peer, key));
      rows.push([
        `${t} ≥ ${vsPeer}× ${entry.peer} req/s at concurrency 64`,
        ...s.map((x, i) => `${range(x, two)}; the limit itself: ${two(ceiling[i].median)}`),
        verdict(s, atLeast(vsPeer)),
      ]);
    }
    if (vsPeerShareOfRequest !== undefined && peer) {
      const ours = keys.map((key) => read.ratio(client, peer, key));
      const ceiling = keys.map((key) => read.ratio(request, peer, key));
      // Per round, (client ÷ peer) ÷ (undici.request ÷ peer): the peer's own noise cancels out.
      const s = keys.map((key) => read.ratio(client, request, key));
      rows.push([
        `${t} ÷ ${entry.peer} ≥ ${vsPeerShareOfRequest.toFixed(2)}× undici.request's own ratio to ${entry.peer}, req/s at concurrency 64`,
        ...s.map(
          (x, i) =>
            `${range(x, two)}; ours ${two(ours[i].median)}× vs undici.request's ${two(ceiling[i].median)}×`,
        ),
        verdict(s, atLeast(vsPeerShareOfRequest)),
      ]);
    }
  }
  for (const outcome of soaks) {
    const s = soakSummary(outcome);
    const calls = outcome.ok ? outcome.value.calls.toLocaleString('en-US') : '?';
    const cell = s.error
      ? `failed: ${s.error}`
      : `${one(s.growth)} MB (RSS ${one(s.low)}–${one(s.peak)} MB; live heap ${one(s.first.liveHeapMb)} → ${one(s.last.liveHeapMb)} MB)`;
    const met = s.error ? '**missed**' : s.growth < MEMORY_LIMIT_MB ? 'met' : '**missed**';
    rows.push([
      `${outcome.transport} RSS growth < ${MEMORY_LIMIT_MB} MB over ${calls} sendmessage calls`,
      '',
      cell,
      met,
    ]);
  }
  return table(
    [
      'target',
      ...METHODS.map((m) => `${m}: median [min–max] of per-round ratios; by CPU`),
      'verdict',
    ],
    rows,
  );
}

function soakTable(soaks, sampleEvery) {
  const rows = soaks.map((outcome) => {
    const s = soakSummary(outcome);
    if (s.error) return [outcome.transport, 'failed', s.error, '', '', '', '', ''];
    const { calls, timedOut, startRssMb, samples } = outcome.value;
    return [
      outcome.transport,
      `${calls.toLocaleString('en-US')}${timedOut ? ' (time limit)' : ''}`,
      one(startRssMb),
      samples.map((x) => one(x.rssMb)).join(' '),
      one(s.firstHalfPeak),
      one(s.secondHalfPeak),
      `**${one(s.growth)}**`,
      `${one(s.first.liveHeapMb)} → ${one(s.last.liveHeapMb)}`,
    ];
  });
  return table(
    [
      'transport',
      'calls',
      'RSS before the first call MB',
      `RSS every ${sampleEvery.toLocaleString('en-US')} calls MB`,
      'peak, first half MB',
      'peak, second half MB',
      'growth MB',
      'live heap after GC MB (first → last sample)',
    ],
    rows,
  );
}

function importTable(coldImports) {
  return table(
    ['modules imported', 'import ms median [min–max]', 'process start → imported, ms', 'RSS MB'],
    coldImports.map((c) =>
      c.error
        ? [c.label, `failed: ${c.error}`, '', '']
        : [c.label, range(c.importMs, one), one(c.sinceStartMs.median), one(c.rssMb.median)],
    ),
  );
}

function sizeTable(sizes) {
  const kb = (bytes) =>
    `${(bytes / 1024).toLocaleString('en-US', { maximumFractionDigits: 0 })} kB`;
  return table(
    ['package', 'runtime tree size', 'packages in tree', 'largest in tree'],
    sizes.map((s) =>
      s.error
        ? [s.label, s.error, '', '']
        : [
            s.label,
            kb(s.bytes),
            String(s.packages),
            s.largest.map((l) => `${l.name} ${kb(l.bytes)}`).join(', '),
          ],
    ),
  );
}

export function renderResults(run) {
  const { options, machine, available, skipped, subjects, throughput, soaks, coldImports, sizes } =
    run;
  const read = resultsReader(throughput.results);
  const minutes = ((run.finishedAt - run.startedAt) / 60_000).toFixed(1);
  const command = options.mode === 'quick' ? 'pnpm bench --quick' : 'pnpm bench';
  const out = [];
  out.push('# Benchmark results');
  out.push('');
  out.push(
    `Written by \`${command}\` on ${run.startedAt.toISOString()} (${options.mode} run, ${options.rounds} rounds, ${minutes} min). ` +
      'Do not edit by hand: the next run replaces this file. How it is measured: [README.md](README.md).',
  );
  if (options.mode === 'quick' || options.rounds < 5) {
    out.push('');
    out.push(
      '> This is a smoke run: too few rounds and too short windows for the numbers to be relied on. Run `pnpm bench` for the report.',
    );
  }
  out.push('');
  out.push(
    '**Reproduce:** `pnpm install && pnpm bench` (about 8 minutes; `pnpm bench --quick` for a 2-minute smoke run).',
  );
  out.push('');
  out.push('## Machine');
  out.push('');
  out.push(
    `- CPU: ${machine.cpuModel}, **${machine.cpuCount} cores**; memory ${one(machine.memoryGb)} GB; ${machine.os}`,
  );
  out.push(
    `- Node.js **${machine.node}** (bundled undici ${machine.bundledUndici}, used by global fetch); undici ${machine.undici} (used by our client and the limit)`,
  );
  out.push(
    `- Load average (1, 5, 15 min) at the start of the run: ${run.loadAtStart.map((l) => l.toFixed(2)).join(', ')}; at the end: ${machine.loadAverage.map((l) => l.toFixed(2)).join(', ')}. ` +
      'The machine is shared: absolute numbers move with the load, ratios measured side by side much less.',
  );
  out.push(
    `- Windows: per worker and method a warm-up of up to ${options.jitWarmupCalls.toLocaleString('en-US')} calls (${options.jitWarmupMs} ms); per round, scenario and subject ${options.slicesPerRound} measured slices of ${options.sliceMs} ms alternating with the other subjects of the transport (after ${options.warmupMs} ms of warm-up); ${options.rounds} rounds`,
  );
  out.push('');
  out.push('## Targets');
  out.push('');
  out.push(targetRows(available, read, soaks));
  out.push('');
  out.push(
    "`by CPU`: the limit's (raw `Agent.dispatch()`) CPU time per call ÷ our client's (median of per-round ratios): the throughput ratio a client whose " +
      'own core is the bottleneck tends to, and the steadier figure when other processes load the machine. The verdict is on ' +
      'the throughput ratio, as the target is stated. `the limit itself`: raw `Agent.dispatch()` ÷ the peer, the most a client on ' +
      'undici could reach against that peer on this machine.',
  );
  out.push('');
  out.push('## At the limit of undici (concurrency 64)');
  out.push('');
  out.push(
    "Our client beside undici's lowest public API, `Agent.dispatch()` with a minimal handler that gathers the body chunks and " +
      'decodes them once (the limit), and beside `undici.request` (the familiar yardstick), all three sending the same bytes. ' +
      'Ratios are computed per round, subjects measured in alternating slices; CPU time per call is user + system of the ' +
      "subject's process, GC included.",
  );
  out.push('');
  out.push(limitTable(available, read));
  out.push('');
  if (skipped.length > 0) {
    out.push('Transports left out of this run (their targets are not measured):');
    out.push('');
    for (const s of skipped) out.push(`- **${s.name}**: ${s.reason}`);
    out.push('');
  }
  if (throughput.failures.size > 0) {
    out.push(
      'Subjects that failed in at least one round (their rounds are missing from the tables):',
    );
    out.push('');
    for (const [id, error] of throughput.failures) out.push(`- ${id}: ${error}`);
    out.push('');
  }
  out.push('## Throughput and cost per call');
  out.push('');
  out.push(
    "`× dispatch (limit)`: requests per second as a ratio of raw `Agent.dispatch()` sending the same transport's pre-encoded bytes, " +
      'computed per round then summarised; `× undici.request`: the same against `undici.request`; `× peer`: our client ÷ the peer (afilnet package for post, node-soap for soap). ' +
      '`CPU × dispatch`, `CPU × undici.request`: client CPU time per call ÷ theirs (a cost ratio: lower is better). ' +
      '`responder CPU µs/call` shows that the responder is not the bottleneck (it runs in its own process, on the other core). ' +
      '`new conns/call` near 0 means connections are kept alive. Other columns are medians over the rounds. ' +
      'The afilnet package has no chat class: its `sms.send` and `sms.getDeliveryStatus` form POSTs, answered with the same ' +
      'envelopes, stand in for sendmessage and getchatchannels (see README.md).',
  );
  out.push('');
  for (const scenario of SCENARIOS) {
    out.push(`### ${scenarioTitle(scenario)}`);
    out.push('');
    out.push(throughputTable(scenario, subjects, available, read));
    out.push('');
  }
  out.push('## OAuth 2.0 token requests (client credentials)');
  out.push('');
  out.push(
    "One complete token request per call, no cache, `client_secret_basic`, against the responder's `/api/oauth/token`.",
  );
  out.push('');
  out.push(tokenTable(subjects, read));
  out.push('');
  out.push(`## Memory over ${options.soakCalls.toLocaleString('en-US')} calls`);
  out.push('');
  out.push(
    `Each transport sends ${options.soakCalls.toLocaleString('en-US')} sendmessage calls at concurrency 64 in one process; growth is the highest RSS of the second half of the samples minus the highest of the first half (RSS oscillates by tens of MB as promoted garbage waits for a full collection; a leak raises the later peaks); the live heap is measured after a forced collection at the first and the last sample.`,
  );
  out.push('');
  out.push(soakTable(soaks, options.soakSampleEvery));
  out.push('');
  out.push('## Cold import');
  out.push('');
  out.push(
    `A fresh \`node\` process imports the modules; ${options.importRuns} runs per row, interleaved.`,
  );
  out.push('');
  out.push(importTable(coldImports));
  out.push('');
  out.push('## Installed size of the runtime dependency tree');
  out.push('');
  out.push(
    'The package plus everything reachable through `dependencies`, each package once (workspace packages: what they publish, `dist` and `src`).',
  );
  out.push('');
  out.push(sizeTable(sizes));
  out.push('');
  const fleet = renderFleetSection();
  if (fleet !== '') {
    out.push(fleet);
    out.push('');
  }
  // Written by `pnpm load --inbound` and `bench/telemetry-cost.mjs`, not by this run: kept as they are.
  for (const section of [
    ...keptResultsSections('## Listening to the account'),
    ...keptResultsSections('## OpenTelemetry without an SDK'),
  ]) {
    out.push(section);
    out.push('');
  }
  const relay = renderRelaySection();
  if (relay !== '') {
    out.push(relay);
    out.push('');
  }
  const soak = renderSoakSection();
  if (soak !== '') {
    out.push(soak);
    out.push('');
  }
  if (existsSync(NOTES)) {
    out.push(readFileSync(NOTES, 'utf8').trim());
    out.push('');
  }
  return `${out.join('\n')}\n`;
}
