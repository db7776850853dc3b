#!/usr/bin/env node
/**
 * `pnpm pack:all [--out DIR]`: packs every publishable workspace package (each package under the
 * globs of pnpm-workspace.yaml that is not private) into one folder, `packs/` by default, and
 * prints the tarballs' paths, one a line. `pnpm pack` is what turns `workspace:` ranges into
 * versions, so it is the packer; the packages must be built first (`pnpm build`).
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The directories of the workspace's packages: `pnpm-workspace.yaml` globs of the form `dir/*` or `dir`. */
function workspaceDirs() {
  const yaml = readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8');
  const globs = [...yaml.matchAll(/^\s*-\s*['"]?([^'"\s]+)['"]?\s*$/gm)].map((m) => m[1]);
  return globs.flatMap((glob) => {
    if (!glob.endsWith('/*')) return [join(root, glob)];
    const parent = join(root, glob.slice(0, -2));
    return readdirSync(parent, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => join(parent, entry.name));
  });
}

/** Publishable packages: a package.json that is not private. */
export function publishableDirs() {
  return workspaceDirs().filter((dir) => {
    try {
      return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).private !== true;
    } catch {
      return false;
    }
  });
}

// Under `pnpm run`, npm_execpath is pnpm itself; started directly, the pinned pnpm runs through npx.
function pnpmCommand() {
  const execPath = process.env.npm_execpath ?? '';
  if (/pnpm\.c?js$/.test(execPath)) return [process.execPath, [execPath]];
  return ['npx', ['-y', 'pnpm@10.34.9']];
}

/** Packs every publishable package into `outDir` (emptied first); resolves to the tarball paths. */
export async function packAll(outDir) {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const [command, prefix] = pnpmCommand();
  const dirs = publishableDirs();
  const tarballs = [];
  // Two at a time: each pack is mostly process start-up, and the CI machines have two cores.
  for (let i = 0; i < dirs.length; i += 2) {
    const batch = await Promise.all(
      dirs.slice(i, i + 2).map(async (cwd) => {
        const { stdout } = await run(
          command,
          [...prefix, 'pack', '--json', '--pack-destination', outDir],
          { cwd },
        );
        return JSON.parse(stdout).filename;
      }),
    );
    tarballs.push(...batch);
  }
  return tarballs;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const at = process.argv.indexOf('--out');
  const outDir = resolve(at > 0 ? process.argv[at + 1] : join(root, 'packs'));
  for (const tarball of await packAll(outDir)) console.log(tarball);
}
