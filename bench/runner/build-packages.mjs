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

function tscBuild(project) {
  const run = spawnSync(process.execPath, [TSC, '-b', project], { cwd: ROOT, encoding: 'utf8' });
  const output = `${run.stdout ?? ''}${run.stderr ?? ''}`.trim();
  return { ok: run.status === 0, output };
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
  const wholeOk = build ? tscBuild('tsconfig.build.json').ok : true;
  for (const name of packageNames) {
    const dir = packageDir(name);
    if (!existsSync(`${dir}/package.json`)) {
      status.set(name, { ok: false, reason: 'package not present' });
      continue;
    }
    if (build && !wholeOk) {
      const result = tscBuild(`${dir}/tsconfig.json`);
      if (!result.ok) {
        const first = result.output.split('\n').find((line) => line.includes('error')) ?? result.output.split('\n')[0];
        status.set(name, { ok: false, reason: `does not build: ${first?.trim().slice(0, 160) ?? 'tsc failed'}` });
        continue;
      }
    }
    status.set(name, existsSync(`${dir}/dist/index.js`) ? { ok: true } : { ok: false, reason: 'no dist/index.js' });
  }
  return status;
}
