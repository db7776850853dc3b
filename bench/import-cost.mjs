#!/usr/bin/env node
/**
 * `pnpm bench:imports`: the start-up costs the project sets targets for
 * (docs/behaviour.md#packaging), timed as whole processes with hyperfine (Debian's `hyperfine`,
 * installed when missing and the user is root):
 * - importing core and one transport against importing the `afilnet` package (target ≤ 0.5×);
 * - the whole `afilnet-chat --help` process against an empty `node -e 0` process.
 * Writes bench/IMPORT-COST.md (`--output FILE` elsewhere); `--runs N` (default 15). Build first.
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { measureColdImports, timeNodeProcesses } from './measure/cold-import.mjs';
import { markdownTable } from './report/markdown.mjs';
import { TRANSPORT_ENTRIES } from './subjects/transport-entries.mjs';

const argv = process.argv.slice(2);
const option = (name, fallback) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : fallback);
const runs = Number(option('--runs', '15'));
const output = option('--output', fileURLToPath(new URL('./IMPORT-COST.md', import.meta.url)));
const CLI = fileURLToPath(new URL('../packages/cli/bin/afilnet-chat.js', import.meta.url));
const CORE = '@afilnet-chat/core';

const imports = measureColdImports(
  [
    { label: 'afilnet (peer)', specifiers: ['cjs:afilnet'] },
    { label: 'core alone', specifiers: [CORE] },
    ...TRANSPORT_ENTRIES.map((entry) => ({
      label: `core + ${entry.name}`,
      specifiers: [CORE, entry.packageName],
    })),
  ],
  runs,
);
const peer = imports.find((row) => row.label === 'afilnet (peer)');
const [empty, help] = timeNodeProcesses(
  [
    { label: 'node -e 0 (empty process)', args: ['-e', '0'] },
    { label: 'afilnet-chat --help', args: [CLI, '--help'] },
  ],
  runs,
);
if (peer.error || empty.error || help.error)
  throw new Error(`a baseline failed: ${peer.error ?? empty.error ?? help.error}`);

const one = (ms) => ms.toFixed(1);
const wall = (row) => `${one(row.wallMs.median)} [${one(row.wallMs.min)}–${one(row.wallMs.max)}]`;
const lines = [
  '# Start-up costs',
  '',
  `Measured ${new Date().toISOString()} on ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, Node ${process.version},`,
  `load average at the end ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}; whole processes timed with hyperfine, ${runs} runs per row after a warm-up run.`,
  'Regenerate with `pnpm build && pnpm bench:imports`.',
  '',
  '## Importing core and one transport (target: at most 0.5× the `afilnet` package)',
  '',
  'A fresh `node` process imports the modules; the import is what that process takes above the',
  'same process importing nothing (the first row). Wall time is what a user waits; CPU time',
  '(user + system, mean of the runs) is what the import costs, and is steadier than wall time on',
  'a busy machine.',
  '',
  markdownTable(
    [
      'modules imported',
      'process wall ms, median [min–max]',
      'import wall ms',
      'ratio to afilnet',
      'import CPU ms',
      'ratio to afilnet',
    ],
    imports.map((row) =>
      row.error
        ? [row.label, `failed: ${row.error}`, '', '', '', '']
        : [
            row.label,
            wall(row),
            one(row.importMs),
            (row.importMs / peer.importMs).toFixed(2),
            one(row.importCpuMs),
            (row.importCpuMs / peer.importCpuMs).toFixed(2),
          ],
    ),
  ),
  '',
  "## The CLI's `--help`, whole process",
  '',
  markdownTable(
    [
      'command',
      'wall ms, median [min–max]',
      'wall above the empty process',
      'CPU ms, mean',
      'CPU above the empty process',
    ],
    [empty, help].map((row) => [
      row.label,
      wall(row),
      one(row.wallMs.median - empty.wallMs.median),
      one(row.cpuMs),
      one(row.cpuMs - empty.cpuMs),
    ]),
  ),
  '',
];
writeFileSync(output, lines.join('\n'));
console.log(lines.join('\n'));
console.log(
  `[bench] --help costs ${one(help.wallMs.median - empty.wallMs.median)} ms of wall time and ${one(help.cpuMs - empty.cpuMs)} ms of CPU over node -e 0; wrote ${output}`,
);
