/**
 * Start-up timing with hyperfine (Debian's `hyperfine`): whole `node` processes, each run
 * `runs` times after a warm-up run, one command after the other (hyperfine does not interleave
 * them). hyperfine gives each run's wall time and the mean user + system CPU time of the runs.
 *
 * Cold import is a fresh process importing core and one transport (what an application that
 * installs one transport loads on start), less the same process importing nothing.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { debianInstallCommand, ensureDebianBinary } from '../../scripts/debian-service.mjs';

const PROBE = fileURLToPath(new URL('./import-probe.mjs', import.meta.url));
const EMPTY = 'node (empty process)';

/**
 * The path of `hyperfine`, installing Debian's package first when it is missing and the user is
 * root. Throws, with the command that installs it, when it is missing without root.
 */
export function ensureHyperfine() {
  return ensureDebianBinary({
    binary: 'hyperfine',
    pkg: 'hyperfine',
    installCommand: debianInstallCommand('hyperfine'),
  });
}

/** One argument as hyperfine's `--shell=none` splits a command line (POSIX shell words). */
const word = (arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`);

/**
 * Times `node` processes, `commands` `[{ label, args }]` (the arguments of each). Each command
 * is run once first: one that fails answers `{ label, error }` and is not timed. The others
 * answer `{ label, wallMs: { median, min, max, n }, cpuMs }`, `cpuMs` the mean user + system.
 */
export function timeNodeProcesses(commands, runs) {
  const errors = new Map();
  for (const { label, args } of commands) {
    const run = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 30_000 });
    if (run.status === 0) continue;
    const lines = (run.stderr || run.error?.message || `exit ${run.status}`).trim().split('\n');
    errors.set(label, lines.find((line) => /Error/.test(line)) ?? lines[0]);
  }
  const timed = commands.filter(({ label }) => !errors.has(label));
  const results = new Map();
  const dir = mkdtempSync(join(tmpdir(), 'bench-hyperfine-'));
  try {
    const json = join(dir, 'results.json');
    const run = spawnSync(
      ensureHyperfine(),
      [
        '--shell=none',
        ...['--warmup', '1', '--runs', String(runs), '--style', 'none', '--export-json', json],
        ...timed.flatMap(({ label, args }) => [
          '--command-name',
          label,
          [process.execPath, ...args].map(word).join(' '),
        ]),
      ],
      { encoding: 'utf8', timeout: (runs + 1) * timed.length * 30_000 },
    );
    if (timed.length > 0 && run.status !== 0)
      throw new Error(`hyperfine failed: ${run.stderr || run.error?.message}`);
    for (const r of timed.length > 0 ? JSON.parse(readFileSync(json, 'utf8')).results : []) {
      const ms = (seconds) => seconds * 1000;
      results.set(r.command, {
        wallMs: { median: ms(r.median), min: ms(r.min), max: ms(r.max), n: r.times.length },
        cpuMs: ms(r.user + r.system),
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return commands.map(({ label }) =>
    errors.has(label) ? { label, error: errors.get(label) } : { label, ...results.get(label) },
  );
}

/**
 * Cold imports of `sets` (`[{ label, specifiers }]`: ESM by `import`, `cjs:` prefix by
 * `require`), after an empty process (the same probe importing nothing). Answers that empty
 * process first, then each set, as {@link timeNodeProcesses} does plus `importMs` (median wall
 * time above the empty process's) and `importCpuMs` (mean CPU time above its).
 */
export function measureColdImports(sets, runs) {
  const rows = timeNodeProcesses(
    [{ label: EMPTY, specifiers: [] }, ...sets].map(({ label, specifiers }) => ({
      label,
      args: ['--no-warnings', PROBE, ...specifiers],
    })),
    runs,
  );
  const [empty] = rows;
  if (empty.error) throw new Error(`node alone does not start: ${empty.error}`);
  return rows.map((row) =>
    row.error
      ? row
      : {
          ...row,
          importMs: row.wallMs.median - empty.wallMs.median,
          importCpuMs: row.cpuMs - empty.cpuMs,
        },
  );
}
