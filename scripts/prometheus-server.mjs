// A real Prometheus for the metrics suite: Debian's `prometheus` on 127.0.0.1 and a free port,
// with a temporary configuration and storage directory, stopped (and its directory removed) by
// its starter. Installed with apt when missing and the user is root; otherwise the caller fails
// with the command that installs it.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  debianInstallCommand,
  ensureDebianBinary,
  serverProcess,
  startOnFreePort,
} from './debian-service.mjs';

/** The Debian package that ships the server. */
export const PROMETHEUS_PACKAGE = 'prometheus';
/** What a user without root runs to install it. */
export const PROMETHEUS_INSTALL_COMMAND = debianInstallCommand(PROMETHEUS_PACKAGE);

/**
 * The path of `prometheus`, installing the Debian package first when it is missing and the user
 * is root. Throws, naming the package and the install command, when it is missing without root.
 * The package's own service is not what the suite talks to: only the binary is used.
 */
export function ensurePrometheus() {
  return ensureDebianBinary({
    binary: 'prometheus',
    pkg: PROMETHEUS_PACKAGE,
    installCommand: PROMETHEUS_INSTALL_COMMAND,
    // The packaged service is not wanted (it would hold port 9090): RUNLEVEL=1 tells invoke-rc.d
    // not to start it, where an init system would.
    env: { RUNLEVEL: '1' },
    installTimeoutMs: 600_000,
  });
}

async function waitUntilReady(url, child, output) {
  const until = Date.now() + 30_000;
  while (Date.now() < until) {
    if (child.exitCode !== null)
      throw new Error(`prometheus exited (code ${child.exitCode}):\n${output()}`);
    try {
      const response = await fetch(`${url}/-/ready`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`prometheus was not ready within 30 s:\n${output()}`);
}

/**
 * Starts a Prometheus on 127.0.0.1 and a free port scraping each of `targets` (`host:port`,
 * path `/metrics`) every `intervalSeconds`. Resolves with `{ url, query(expr), stop() }`:
 * `query` runs an instant query through the HTTP API and resolves with its `data.result`.
 */
export async function startPrometheus({ targets, intervalSeconds = 1 }) {
  const binary = ensurePrometheus();
  const dir = mkdtempSync(join(tmpdir(), 'afilnet-prometheus-'));
  const config = join(dir, 'prometheus.yml');
  writeFileSync(
    config,
    [
      'global:',
      `  scrape_interval: ${intervalSeconds}s`,
      `  scrape_timeout: ${intervalSeconds}s`,
      'scrape_configs:',
      '  - job_name: afilnet-chat',
      '    static_configs:',
      `      - targets: [${targets.map((t) => JSON.stringify(t)).join(', ')}]`,
      '',
    ].join('\n'),
  );
  try {
    return await startOnFreePort(async (port, attempt) => {
      const url = `http://127.0.0.1:${port}`;
      let log = '';
      const child = spawn(
        binary,
        [
          `--config.file=${config}`,
          `--storage.tsdb.path=${join(dir, `data-${attempt}`)}`,
          `--web.listen-address=127.0.0.1:${port}`,
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      const keep = (chunk) => {
        log = (log + chunk.toString('utf8')).slice(-8_000);
      };
      child.stdout.on('data', keep);
      child.stderr.on('data', keep);
      const server = serverProcess(child);
      try {
        await waitUntilReady(url, child, () => log);
      } catch (error) {
        await server.stop();
        throw error;
      }
      return {
        url,
        async query(expr) {
          const response = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`);
          const body = await response.json();
          if (body.status !== 'success')
            throw new Error(`query ${expr} failed: ${JSON.stringify(body)}`);
          return body.data.result;
        },
        async stop() {
          await server.stop();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
