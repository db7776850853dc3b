/**
 * The installed size of a package's runtime dependency tree: the package itself plus every
 * package reachable through `dependencies` (not dev, not optional peers), each counted once,
 * resolved the way Node resolves them from the package's own directory.
 *
 * A workspace package counts what it publishes (its `files`: dist and src without tests, plus
 * package.json); a registry package counts its installed directory without nested
 * node_modules.
 */
import { existsSync, readFileSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';

function directorySize(dir, skip) {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (skip(path, entry)) continue;
    if (entry.isDirectory()) total += directorySize(path, skip);
    else if (entry.isFile()) total += statSync(path).size;
  }
  return total;
}

function isWorkspacePackage(dir) {
  return !dir.split(sep).includes('node_modules');
}

function ownSize(dir) {
  if (!isWorkspacePackage(dir)) {
    return directorySize(dir, (_, entry) => entry.isDirectory() && entry.name === 'node_modules');
  }
  let total = statSync(join(dir, 'package.json')).size;
  for (const part of ['dist', 'src']) {
    const path = join(dir, part);
    if (!existsSync(path)) continue;
    total += directorySize(
      path,
      (_path, entry) =>
        entry.name.endsWith('.tsbuildinfo') || (part === 'src' && entry.name.endsWith('.test.ts')),
    );
  }
  return total;
}

/** Finds `name` in the node_modules of `fromDir` or of a parent, as Node does. */
function resolvePackageDir(name, fromDir) {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return realpathSync(candidate);
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * Measures the tree of the package installed at `dir`: `{ bytes, packages, largest, missing }`
 * where `packages` counts the package itself, `largest` lists the three biggest packages of the
 * tree (`{ name, bytes }`) and `missing` the dependencies that were not found.
 */
export function installedTreeSize(dir) {
  const seen = new Set();
  const missing = [];
  const sizes = [];
  const queue = [realpathSync(dir)];
  while (queue.length > 0) {
    const current = queue.shift();
    if (seen.has(current)) continue;
    seen.add(current);
    const manifest = JSON.parse(readFileSync(join(current, 'package.json'), 'utf8'));
    sizes.push({ name: manifest.name, bytes: ownSize(current) });
    for (const dep of Object.keys(manifest.dependencies ?? {})) {
      const found = resolvePackageDir(dep, current);
      if (found) queue.push(found);
      else missing.push(dep);
    }
  }
  const bytes = sizes.reduce((sum, s) => sum + s.bytes, 0);
  const largest = [...sizes].sort((a, b) => b.bytes - a.bytes).slice(0, 3);
  return { bytes, packages: seen.size, largest, missing };
}

/** The installed directory of a registry package as the workspace root resolves it. */
export function rootPackageDir(name, rootDir) {
  return resolvePackageDir(name, rootDir);
}
