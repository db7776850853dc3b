/**
 * Building the packages before a run. The whole workspace first; when that fails (a package in
 * progress does not compile), core and each transport one by one, so that the benchmark still
 * runs on every transport that builds and names the others.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSC = fileURLToPath(new URL('../../node_modules/typescript/bin/tsc', import.meta.url));
const BUILD = fileURLToPath(new URL('../../scripts/build.mjs', import.meta.url));

function runNode(args) {
  const run = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8' });
  const output = `${run.stdout ?? ''}${run.stderr ?? ''}`.trim();
  return { ok: run.status === 0, output };
}

/** One project with tsc; core's is then bundled, as `pnpm build` does (scripts/build.mjs). */
function tscBuild(project) {
  const result = runNode([TSC, '-b', project]);
  return result.ok && project.includes('packages/core/')
    ? runNode([BUILD, '--bundle-only'])
    : result;
}

/** The directory of a workspace package, from its npm name. */
export function packageDir(packageName) {
  return `${ROOT}packages/${packageName.replace('@afilnet-chat/', '')}`;
}

/**
 * Builds (unless `build` is false) and answers, for each package name, `{ ok, reason }`: whether
 * its dist is there to be measured.
 */
export function buildPackages(packageNames, { build }) {
  const status = new Map();
  const wholeOk = build ? runNode([BUILD]).ok : true;
  for (const name of packageNames) {
    const dir = packageDir(name);
    if (!existsSync(`${dir}/package.json`)) {
      status.set(name, { ok: false, reason: 'package not present' });
      continue;
    }
    if (build && !wholeOk) {
      const result = tscBuild(`${dir}/tsconfig.json`);
      if (!result.ok) {
        const first =
          result.output.split('\n').find((line) => line.includes('error')) ??
          result.output.split('\n')[0];
        status.set(name, {
          ok: false,
          reason: `does not build: ${first?.trim().slice(0, 160) ?? 'tsc failed'}`,
        });
        continue;
      }
    }
    status.set(
      name,
      existsSync(`${dir}/dist/index.js`) ? { ok: true } : { ok: false, reason: 'no dist/index.js' },
    );
  }
  return status;
}
