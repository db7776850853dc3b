/**
 * Cold import time: a fresh process imports core and one transport (what an application that
 * installs one transport loads on start), each set measured `runs` times, the sets interleaved
 * so that noise on the machine falls on all of them alike. The peers' own packages and an empty
 * process are measured the same way for comparison.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { summarize } from '../report/stats.mjs';

const PROBE = fileURLToPath(new URL('./import-probe.mjs', import.meta.url));

function probe(specifiers) {
  const run = spawnSync(process.execPath, ['--no-warnings', PROBE, ...specifiers], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (run.status !== 0)
    throw new Error(
      `import of ${specifiers.join(' + ')} failed: ${run.stderr.trim().split('\n')[0]}`,
    );
  return JSON.parse(run.stdout);
}

/**
 * `sets`: `[{ label, specifiers }]`. Answers `[{ label, importMs, cpuMs, sinceStartMs, rssMb }]`, each
 * a {@link summarize} of the runs, or `{ label, error }`.
 */
export function measureColdImports(sets, runs) {
  const samples = new Map(sets.map((set) => [set.label, []]));
  const errors = new Map();
  for (let run = 0; run < runs; run++) {
    for (const set of sets) {
      if (errors.has(set.label)) continue;
      try {
        samples.get(set.label).push(probe(set.specifiers));
      } catch (error) {
        errors.set(set.label, error.message);
      }
    }
  }
  return sets.map(({ label }) => {
    if (errors.has(label)) return { label, error: errors.get(label) };
    const list = samples.get(label);
    return {
      label,
      importMs: summarize(list.map((s) => s.importMs)),
      cpuMs: summarize(list.map((s) => s.cpuMs)),
      sinceStartMs: summarize(list.map((s) => s.sinceStartMs)),
      rssMb: summarize(list.map((s) => s.rssMb)),
    };
  });
}
