// A real Redis for the fleet suites and `pnpm load --fleet`: Debian's `redis-server` on
// 127.0.0.1, a free port, no persistence, stopped by its starter. Installed with apt when missing
// and the user is root; otherwise the caller fails with the command that installs it.
import { execFileSync, spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';

/** The Debian package that ships the server. */
export const REDIS_PACKAGE = 'redis-server';
/** What a user without root runs to install it. */
export const REDIS_INSTALL_COMMAND = `sudo sh -c 'DEBIAN_FRONTEND=noninteractive apt-get update && apt-get install -y --no-install-recommends ${REDIS_PACKAGE}'`;

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
 * The path of `redis-server`, installing the Debian package first when it is missing and the
 * user is root. Throws, naming the package and the install command, when it is missing without root.
 */
export function ensureRedisServer() {
  const found = findOnPath('redis-server');
  if (found !== undefined) return found;
  if (process.getuid?.() !== 0) {
    throw new Error(`Debian's ${REDIS_PACKAGE} is needed and not installed. Install it with: ${REDIS_INSTALL_COMMAND}`);
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update'], { env, stdio: 'ignore', timeout: 300_000 });
  execFileSync('apt-get', ['install', '-y', '--no-install-recommends', '-o', 'DPkg::Lock::Timeout=300', REDIS_PACKAGE], { env, stdio: 'ignore', timeout: 300_000 });
  const installed = findOnPath('redis-server');
  if (installed === undefined) throw new Error(`apt-get installed ${REDIS_PACKAGE} but redis-server is not on PATH`);
  return installed;
}

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function waitUntilReady(child) {
  return new Promise((resolve, reject) => {
    let output = '';
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout.off('data', onData);
      child.off('exit', onExit);
      // Keep draining the pipe so that the server never blocks on a full stdout.
      child.stdout.resume();
    };
    const fail = (error) => {
      cleanup();
      child.kill('SIGKILL');
      reject(error);
    };
    const onData = (chunk) => {
      output += chunk.toString('utf8');
      if (output.includes('Ready to accept connections')) {
        cleanup();
        resolve();
      }
    };
    const onExit = (code) => fail(new Error(`redis-server exited (code ${code}):\n${output}`));
    const timer = setTimeout(() => fail(new Error(`redis-server did not start within 10 s:\n${output}`)), 10_000);
    child.stdout.on('data', onData);
    child.once('exit', onExit);
  });
}

/**
 * Starts a Redis on 127.0.0.1 and a free port, keeping nothing on disk. Resolves with
 * `{ url, port, signal(name), stop() }`: `signal` sends a signal to the server (`SIGSTOP` pauses
 * it), `stop` kills it and resolves once it has exited.
 */
export async function startRedisServer() {
  const binary = ensureRedisServer();
  let lastError;
  // A port found free may be taken before the server binds it: try a few.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', '/tmp'];
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await waitUntilReady(child);
    } catch (error) {
      lastError = error;
      continue;
    }
    const running = () => child.exitCode === null && child.signalCode === null;
    const exited = new Promise((resolve) => (running() ? child.once('exit', resolve) : resolve()));
    return {
      url: `redis://127.0.0.1:${port}`,
      port,
      signal: (name) => {
        if (running()) child.kill(name);
      },
      stop: async () => {
        if (running()) {
          child.kill('SIGCONT');
          child.kill('SIGKILL');
        }
        await exited;
      },
    };
  }
  throw lastError;
}
