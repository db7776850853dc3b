/**
 * The packages a bench script measures, built by the repository's one build
 * (`node scripts/build.mjs`, what `pnpm build` runs) first unless the script is told not to.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BUILD = fileURLToPath(new URL('../../scripts/build.mjs', import.meta.url));
const FAILED =
  '`node scripts/build.mjs` failed (its errors are above): fix the build, or pass --no-build to measure the dist as it is';

/** The directory of a workspace package, from its npm name. */
export function packageDir(packageName) {
  return `${ROOT}packages/${packageName.replace('@afilnet-chat/', '')}`;
}

/**
 * Runs the build (unless `build` is false), its output shown, and answers, for each package
 * name, `{ ok, reason }`: whether its dist is there to be measured. When the build fails, no
 * package is: a half-built workspace would measure stale code beside new.
 */
export function buildPackages(packageNames, { build }) {
  const built = !build || spawnSync(process.execPath, [BUILD], { stdio: 'inherit' }).status === 0;
  const status = (dir) => {
    if (!built) return { ok: false, reason: FAILED };
    if (!existsSync(`${dir}/package.json`)) return { ok: false, reason: 'package not present' };
    if (!existsSync(`${dir}/dist/index.js`))
      return { ok: false, reason: 'no dist/index.js: run `pnpm build`' };
    return { ok: true };
  };
  return new Map(packageNames.map((name) => [name, status(packageDir(name))]));
}
