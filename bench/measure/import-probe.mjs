/**
 * Run as its own process by the cold-import measurement: imports the modules named on the
 * command line (ESM by `import`, `cjs:` prefix by `require`) and prints how long that took,
 * the CPU time that took, how long since the process started, and the process's RSS.
 */
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';

const require = createRequire(import.meta.url);
const cpuStart = process.cpuUsage();
const start = performance.now();
for (const specifier of process.argv.slice(2)) {
  if (specifier.startsWith('cjs:')) require(specifier.slice(4));
  else await import(specifier);
}
const end = performance.now();
// CPU time as well as wall time: on a shared machine, wall time is mostly waiting for a core.
const cpu = process.cpuUsage(cpuStart);
process.stdout.write(
  JSON.stringify({
    importMs: end - start,
    cpuMs: (cpu.user + cpu.system) / 1000,
    sinceStartMs: end,
    rssMb: process.memoryUsage.rss() / 2 ** 20,
  }),
);
