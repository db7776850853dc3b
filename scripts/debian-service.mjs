// What the real-service starters (redis-server.mjs, prometheus-server.mjs) share: finding a
// Debian package's binary, installing the package with apt when missing and the user is root
// (otherwise failing with the command that installs it), and running the server on 127.0.0.1
// and a free port until its starter stops it.
import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';

/** What a user without root runs to install Debian's `pkg`. */
export function debianInstallCommand(pkg) {
  return `sudo sh -c 'DEBIAN_FRONTEND=noninteractive apt-get update && apt-get install -y --no-install-recommends ${pkg}'`;
}

function findOnPath(command) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/**
 * The path of `binary`, installing Debian's `pkg` first when it is missing and the user is root
 * (`env` is added to apt's environment; `installTimeoutMs` bounds `apt-get install`). Throws,
 * naming the package and `installCommand`, when it is missing without root, and when apt-get
 * installed the package but the binary is still not on PATH.
 */
export function ensureDebianBinary({
  binary,
  pkg,
  installCommand,
  env = {},
  installTimeoutMs = 300_000,
}) {
  const found = findOnPath(binary);
  if (found !== undefined) return found;
  if (process.getuid?.() !== 0) {
    throw new Error(
      `Debian's ${pkg} is needed and not installed. Install it with: ${installCommand}`,
    );
  }
  const aptEnv = { ...process.env, DEBIAN_FRONTEND: 'noninteractive', ...env };
  execFileSync('apt-get', ['update'], { env: aptEnv, stdio: 'ignore', timeout: 300_000 });
  execFileSync(
    'apt-get',
    ['install', '-y', '--no-install-recommends', '-o', 'DPkg::Lock::Timeout=300', pkg],
    {
      env: aptEnv,
      stdio: 'ignore',
      timeout: installTimeoutMs,
    },
  );
  const installed = findOnPath(binary);
  if (installed === undefined)
    throw new Error(`apt-get installed ${pkg} but ${binary} is not on PATH`);
  return installed;
}

/** A port free on 127.0.0.1 at the moment of asking (the OS's pick for port 0). */
export async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Resolves with what `start(port, attempt)` resolves with for a port free on 127.0.0.1. A port
 * found free may be taken before the server binds it, so a failed start is tried again on
 * another port, three times in all; then the last failure is thrown.
 */
export async function startOnFreePort(start) {
  let lastError;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    try {
      return await start(port, attempt);
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

/**
 * Stopping `child`, a server process: `running()` while it has neither exited nor been killed,
 * and `stop()`, which kills it (resuming it first, should it be paused with SIGSTOP) and resolves
 * once it has exited.
 */
export function serverProcess(child) {
  const running = () => child.exitCode === null && child.signalCode === null;
  const exited = new Promise((resolve) => (running() ? child.once('exit', resolve) : resolve()));
  return {
    running,
    async stop() {
      if (running()) {
        child.kill('SIGCONT');
        child.kill('SIGKILL');
      }
      await exited;
    },
  };
}
