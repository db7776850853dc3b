/**
 * Run as its own process by the cold-import measurement: imports the modules named on the
 * command line (ESM by `import`, `cjs:` prefix by `require`) and prints how long that took,
 * how long since the process started, and how many modules of the workspace were loaded.
 */
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';

const require = createRequire(import.meta.url);
const start = performance.now();
for (const specifier of process.argv.slice(2)) {
  if (specifier.startsWith('cjs:')) require(specifier.slice(4));
  else await import(specifier);
}
const end = performance.now();
process.stdout.write(
  JSON.stringify({ importMs: end - start, sinceStartMs: end, rssMb: process.memoryUsage.rss() / 2 ** 20 }),
);
