/** The machine a run was made on, for the report. */
import { readFileSync } from 'node:fs';
import os from 'node:os';

function versionOf(packageJsonUrl) {
  try {
    return JSON.parse(readFileSync(packageJsonUrl, 'utf8')).version;
  } catch {
    return 'unknown';
  }
}

export function describeMachine() {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model ?? 'unknown',
    cpuCount: cpus.length,
    memoryGb: os.totalmem() / 2 ** 30,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    undici: versionOf(new URL('../../node_modules/undici/package.json', import.meta.url)),
    bundledUndici: process.versions.undici ?? 'unknown',
    loadAverage: os.loadavg(),
  };
}
