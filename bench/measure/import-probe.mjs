/**
 * Run as its own process by the cold-import measurement: imports the modules named on the
 * command line, ESM by `import`, a `cjs:` prefix by `require`.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
for (const specifier of process.argv.slice(2)) {
  if (specifier.startsWith('cjs:')) require(specifier.slice(4));
  else await import(specifier);
}
