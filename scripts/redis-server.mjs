// A real Redis for the fleet suites and `pnpm load --fleet`: Debian's `redis-server` on
// 127.0.0.1, a free port, no persistence, stopped by its starter. Installed with apt when missing
// and the user is root; otherwise the caller fails with the command that installs it.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  debianInstallCommand,
  ensureDebianBinary,
  freePort,
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

/**
 * Starts a Redis Cluster of `nodes` masters (no replicas) on 127.0.0.1, each node on a free port
 * with its cluster bus on another, its state in a temporary folder, the slots spread by
 * `redis-cli --cluster create` (shipped with Debian's redis-server). Resolves once every node
 * reports `cluster_state:ok`, with `{ nodes: [{ host, port }], stop() }`.
 */
export async function startRedisCluster(nodes = 3) {
  const binary = ensureRedisServer();
  const dir = mkdtempSync(join(tmpdir(), 'afilnet-redis-cluster-'));
  const started = [];
  const stop = async () => {
    await Promise.all(started.map((node) => node.stop()));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < nodes; i++) {
      started.push(
        await startOnFreePort(async (port) => {
          const busPort = await freePort();
          const child = spawn(
            binary,
            [
              '--port',
              String(port),
              '--cluster-port',
              String(busPort),
              '--bind',
              '127.0.0.1',
              '--cluster-enabled',
              'yes',
              '--cluster-config-file',
              `nodes-${port}.conf`,
              '--save',
              '',
              '--appendonly',
              'no',
              '--dir',
              dir,
            ],
            { stdio: ['ignore', 'pipe', 'inherit'] },
          );
          await waitUntilReady(child);
          const server = serverProcess(child);
          return { host: '127.0.0.1', port, stop: server.stop };
        }),
      );
    }
    const cli = join(dirname(binary), 'redis-cli');
    execFileSync(
      cli,
      [
        '--cluster',
        'create',
        ...started.map((node) => `127.0.0.1:${node.port}`),
        '--cluster-replicas',
        '0',
        '--cluster-yes',
      ],
      { stdio: 'ignore', timeout: 30_000 },
    );
    const deadline = Date.now() + 30_000;
    for (const node of started) {
      for (;;) {
        const info = execFileSync(cli, ['-p', String(node.port), 'cluster', 'info'], {
          encoding: 'utf8',
        });
        if (info.includes('cluster_state:ok')) break;
        if (Date.now() > deadline)
          throw new Error(`the cluster did not form within 30 s:\n${info}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    return { nodes: started.map(({ host, port }) => ({ host, port })), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
