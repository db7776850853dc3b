#!/usr/bin/env node
/**
 * `pnpm build`: compiles every package with `tsc -b`, then bundles core.
 *
 * Core is what every application imports first, so its JavaScript ships as one module per entry
 * point (`.`, `./transport`, `./constants`) plus shared chunks, with the part of zod it uses
 * inlined: tsc writes core's JavaScript to `packages/core/build` (its declarations to `dist`),
 * and esbuild bundles that into `packages/core/dist`. Loading ~45 small modules and zod's
 * ~50 locale modules was most of core's import time (bench/IMPORT-COST.md). The bundle keeps
 * source maps back to core's TypeScript; undici and the transports stay outside, imported at
 * first use.
 * `--clean` removes what both steps wrote instead.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pruneOrphanedOutputs } from './prune-outputs.mjs';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const core = join(root, 'packages/core');
const require = createRequire(import.meta.url);

const clean = process.argv.includes('--clean');

if (!clean) pruneOrphanedOutputs(join(root, 'packages'));
const tsc = [
  require.resolve('typescript/bin/tsc'),
  '-b',
  'tsconfig.build.json',
  ...(clean ? ['--clean'] : []),
];
execFileSync(process.execPath, tsc, { cwd: root, stdio: 'inherit' });

const dist = join(core, 'dist');
// Only what esbuild wrote last time: the declarations in dist are tsc's.
rmSync(join(dist, 'chunks'), { recursive: true, force: true });
for (const name of existsSync(dist)
  ? readdirSync(dist, { recursive: true, encoding: 'utf8' })
  : []) {
  if (name.endsWith('.js') || name.endsWith('.js.map')) rmSync(join(dist, name));
}
if (clean) process.exit(0);

// The entry points are what core's `exports` name: each `dist/X.js` is bundled from tsc's `build/X.js`.
const { exports } = JSON.parse(readFileSync(join(core, 'package.json'), 'utf8'));
const entryPoints = Object.values(exports).flatMap((target) =>
  typeof target === 'object' ? [target.default.replace(/^\.\/dist\//, 'build/')] : [],
);

const { build } = await import('esbuild');
await build({
  absWorkingDir: core,
  entryPoints,
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'es2022',
  chunkNames: 'chunks/[name]-[hash]',
  sourcemap: true,
  // Imported at first use with literal specifiers, resolved from the app's node_modules (or
  // followed by the app's own bundler): undici, the optional peer @opentelemetry/api, and the
  // transports, which core does not depend on.
  external: ['undici', '@opentelemetry/api', '@afilnet-chat/transport-*'],
  logLevel: 'warning',
});
