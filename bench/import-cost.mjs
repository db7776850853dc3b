#!/usr/bin/env node
/**
 * `pnpm bench:imports`: the start-up costs the project sets targets for
 * (docs/behaviour.md#packaging), side by side in one run and
 * interleaved so that noise on the machine falls on every row alike:
 * - importing core and one transport against importing the `afilnet` package (target ≤ 0.5×);
 * - the whole `afilnet-chat --help` process against an empty `node -e 0` process.
 * Writes bench/IMPORT-COST.md (`--output FILE` elsewhere); `--runs N` (default 15). Build first.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { measureColdImports } from './measure/cold-import.mjs';
import { summarize } from './report/stats.mjs';
import { TRANSPORT_ENTRIES } from './subjects/transport-entries.mjs';

const argv = process.argv.slice(2);
const option = (name, fallback) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : fallback);
const runs = Number(option('--runs', '15'));
const output = option('--output', fileURLToPath(new URL('./IMPORT-COST.md', import.meta.url)));
const CLI = fileURLToPath(new URL('../packages/cli/bin/afilnet-chat.js', import.meta.url));
const CORE = '@afilnet-chat/core';

const importSets = [
  { label: 'afilnet (peer)', specifiers: ['cjs:afilnet'] },
  { label: 'core alone', specifiers: [CORE] },
  ...TRANSPORT_ENTRIES.map((entry) => ({
    label: `core + ${entry.name}`,
    specifiers: [CORE, entry.packageName],
  })),
];

/** Wall time of whole processes, each command `runs` times, interleaved. */
function measureProcesses(commands) {
  const samples = commands.map(() => []);
  for (let run = 0; run < runs; run++) {
    commands.forEach(({ args }, index) => {
      const start = performance.now();
      const result = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 30_000 });
      if (result.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${result.stderr}`);
      samples[index].push(performance.now() - start);
    });
  }
  return commands.map(({ label }, index) => ({ label, ms: summarize(samples[index]) }));
}

const ms = (s) => `${s.median.toFixed(1)} [${s.min.toFixed(1)}–${s.max.toFixed(1)}]`;
const imports = measureColdImports(importSets, runs);
const peer = imports[0].importMs.median;
const peerCpu = imports[0].cpuMs.median;
const processes = measureProcesses([
  { label: 'node -e 0 (empty process)', args: ['-e', '0'] },
  { label: 'afilnet-chat --help', args: [CLI, '--help'] },
]);
const [empty, help] = processes;

const lines = [
  '# Start-up costs',
  '',
  `Measured ${new Date().toISOString()} on ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, Node ${process.version},`,
  `load average at the end ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}; ${runs} runs per row, interleaved.`,
  'Regenerate with `pnpm build && pnpm bench:imports`.',
  '',
  '## Importing core and one transport (target: at most 0.5× the `afilnet` package)',
  '',
  'Wall time is what a user waits; CPU time is what the import costs, and is steadier than wall',
  'time on a busy machine.',
  '',
  '| modules imported | wall ms, median [min–max] | ratio to afilnet | CPU ms, median [min–max] | ratio to afilnet |',
  '| --- | --- | --- | --- | --- |',
  ...imports.map((row) =>
    row.error
      ? `| ${row.label} | failed: ${row.error} | | | |`
      : `| ${row.label} | ${ms(row.importMs)} | ${(row.importMs.median / peer).toFixed(2)} | ${ms(row.cpuMs)} | ${(row.cpuMs.median / peerCpu).toFixed(2)} |`,
  ),
  '',
  "## The CLI's `--help`, whole process",
  '',
  '| command | wall ms, median [min–max] | above the empty process (median) |',
  '| --- | --- | --- |',
  ...processes.map(
    (row) => `| ${row.label} | ${ms(row.ms)} | ${(row.ms.median - empty.ms.median).toFixed(1)} |`,
  ),
  '',
];
writeFileSync(output, `${lines.join('\n')}`);
console.log(lines.join('\n'));
console.log(
  `[bench] --help costs ${(help.ms.median - empty.ms.median).toFixed(1)} ms over node -e 0; wrote ${output}`,
);
