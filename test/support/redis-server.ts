/**
 * A real Redis for the fleet suites: Debian's `redis-server` on 127.0.0.1, a free port, no
 * persistence, stopped by the test. Installed with apt when missing and the user is root;
 * otherwise the suite fails with the command that installs it.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';

/** The Debian package that ships the server. */
export const REDIS_PACKAGE = 'redis-server';
/** What a user without root runs to install it. */
export const REDIS_INSTALL_COMMAND = `sudo sh -c 'DEBIAN_FRONTEND=noninteractive apt-get update && apt-get install -y --no-install-recommends ${REDIS_PACKAGE}'`;

/** A running redis-server. */
export interface RedisServer {
  /** `redis://127.0.0.1:PORT`. */
  readonly url: string;
  readonly port: number;
  /** Sends a signal to the server process (`SIGSTOP` pauses it, `SIGCONT` resumes it). */
  signal(signal: NodeJS.Signals): void;
  /** Kills the server (if still running) and waits until it has exited. */
  stop(): Promise<void>;
}

function findOnPath(command: string): string | undefined {
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
 * user is root.
 *
 * @throws {Error} naming the package and the install command when it is missing without root.
 */
export function ensureRedisServer(): string {
  const found = findOnPath('redis-server');
  if (found !== undefined) return found;
  if (process.getuid?.() !== 0) {
    throw new Error(`The fleet tests need Debian's ${REDIS_PACKAGE}, which is not installed. Install it with: ${REDIS_INSTALL_COMMAND}`);
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update'], { env, stdio: 'ignore', timeout: 300_000 });
  execFileSync('apt-get', ['install', '-y', '--no-install-recommends', REDIS_PACKAGE], { env, stdio: 'ignore', timeout: 300_000 });
  const installed = findOnPath('redis-server');
  if (installed === undefined) throw new Error(`apt-get installed ${REDIS_PACKAGE} but redis-server is not on PATH`);
  return installed;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

function waitUntilReady(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => fail(new Error(`redis-server did not start within 10 s:\n${output}`)), 10_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.includes('Ready to accept connections')) done();
    };
    const onExit = (code: number | null) => fail(new Error(`redis-server exited (code ${code}):\n${output}`));
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
      // Keep draining the pipe so that the server never blocks on a full stdout.
      child.stdout?.resume();
    };
    const done = () => {
      cleanup();
      resolve();
    };
    const fail = (error: Error) => {
      cleanup();
      child.kill('SIGKILL');
      reject(error);
    };
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
  });
}

/** Starts a Redis on 127.0.0.1 and a free port, keeping nothing on disk. */
export async function startRedisServer(): Promise<RedisServer> {
  const binary = ensureRedisServer();
  let lastError: unknown;
  // A port found free may be taken before the server binds it: try a few.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const child = spawn(
      binary,
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', '/tmp', '--loglevel', 'notice'],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      await waitUntilReady(child);
    } catch (error) {
      lastError = error;
      continue;
    }
    const exited = new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve();
      else child.once('exit', () => resolve());
    });
    return {
      url: `redis://127.0.0.1:${port}`,
      port,
      signal: (signal) => {
        if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      },
      stop: async () => {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGCONT');
          child.kill('SIGKILL');
        }
        await exited;
      },
    };
  }
  throw lastError;
}
