/**
 * Removes what tsc wrote for a source file that no longer exists: `tsc -b` never deletes an
 * output, so after a file moves its old `.js`/`.d.ts` would stay in `dist` and be packed.
 *
 * An output is kept when its source is in the package's `src/` (its main project) or at the same
 * path from the package's root: a project of its own compiled into the package's output folder,
 * as the sandbox's page script is (`ui/inbox.ts` into `dist/ui/inbox.js`). Pruning that one
 * would leave `tsc -b` believing it up to date, and the page without its script.
 */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** Prunes the orphaned outputs of every package under `packagesDir`; returns the paths removed. */
export function pruneOrphanedOutputs(packagesDir) {
  const removed = [];
  for (const name of readdirSync(packagesDir)) {
    const pkg = join(packagesDir, name);
    const src = join(pkg, 'src');
    if (!existsSync(src)) continue;
    for (const dir of ['dist', 'build']) {
      const outDir = join(pkg, dir);
      if (!existsSync(outDir)) continue;
      for (const file of readdirSync(outDir, { recursive: true, encoding: 'utf8' })) {
        const stem = file.match(/^(.*)\.(?:js|d\.ts)(?:\.map)?$/)?.[1];
        if (stem === undefined || stem.startsWith('chunks')) continue;
        if (existsSync(join(src, `${stem}.ts`)) || existsSync(join(pkg, `${stem}.ts`))) continue;
        rmSync(join(outDir, file));
        removed.push(join(dir, file));
      }
    }
  }
  return removed;
}
