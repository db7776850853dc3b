// A real Redis for the fleet suites and `pnpm load --fleet`: Debian's `redis-server` on
// 127.0.0.1, a free port, no persistence, stopped by its starter. Installed with apt when missing
// and the user is root; otherwise the caller fails with the command that installs it.
import { spawn } from 'node:child_process';
import {
  debianInstallCommand,
  ensureDebianBinary,
  serverProcess,
  startOnFreePort,
} from './debian-service.mjs';

/** The Debian package that ships the server. */
export const REDIS_PACKAGE = 'redis-server';
/** What a user without root runs to install it. */
export const REDIS_INSTALL_COMMAND = debianInstallCommand(REDIS_PACKAGE);

/**
 * The path of `redis-server`, installing the Debian package first when it is missing and the
 * user is root. Throws, naming the package and the install command, when it is missing without root.
 */
export function ensureRedisServer() {
  return ensureDebianBinary({
    binary: 'redis-server',
    pkg: REDIS_PACKAGE,
    installCommand: REDIS_INSTALL_COMMAND,
  });
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
    const timer = setTimeout(
      () => fail(new Error(`redis-server did not start within 10 s:\n${output}`)),
      10_000,
    );
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
  return startOnFreePort(async (port) => {
    const args = [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      '/tmp',
    ];
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    await waitUntilReady(child);
    const server = serverProcess(child);
    return {
      url: `redis://127.0.0.1:${port}`,
      port,
      signal: (name) => {
        if (server.running()) child.kill(name);
      },
      stop: server.stop,
    };
  });
}
