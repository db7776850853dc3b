/**
 * `afilnet-chat relay` as the soak runs it, shared by `soak-inbound.mjs` and the profiling
 * scripts: a local receiver answering 204, and the relay's process forked with the probe
 * (`relay-probe.mjs`) so that it can be measured from inside.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { DEMO_ACCOUNT } from '@afilnet-chat/sandbox';
import { startWorker } from '../runner/worker-process.mjs';

/** The built CLI's entry. */
export const CLI_BIN = fileURLToPath(
  new URL('../../packages/cli/bin/afilnet-chat.js', import.meta.url),
);

/**
 * A receiver that answers 204 to every webhook and notes when each message (by its `messageId`)
 * first arrived; no signature check, so that its cost stays small (it shares the cores).
 */
export async function startReceiver() {
  const firstAt = new Map();
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      const id = JSON.parse(body)?.data?.messageId;
      if (typeof id === 'string' && !firstAt.has(id)) firstAt.set(id, Date.now());
      res.writeHead(204).end();
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/hooks`,
    get delivered() {
      return firstAt.size;
    },
    /** Messages first delivered in the window `{ openedAt, closedAt }` (ms since the epoch). */
    deliveredBetween({ openedAt, closedAt }) {
      let n = 0;
      for (const at of firstAt.values()) if (at >= openedAt && at <= closedAt) n += 1;
      return n;
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

/**
 * Forks the relay (`bin`, the built CLI's by default) on `checkpointPath`, delivering to
 * `receiverUrl`, with the probe loaded and `execArgv` added (e.g. `--cpu-prof`). `stop()` sends
 * SIGTERM, as Ctrl-C would, and waits for the relay to end (SIGKILL after 30 s).
 */
export function startRelayProcess({
  bin = CLI_BIN,
  sandboxUrl,
  receiverUrl,
  checkpointPath,
  intervalMs,
  concurrency,
  transport,
  execArgv = [],
}) {
  const worker = startWorker(bin, {
    execArgv: [
      '--expose-gc',
      '--import',
      new URL('./relay-probe.mjs', import.meta.url).href,
      ...execArgv,
    ],
    args: [
      'relay',
      '--url',
      receiverUrl,
      '--interval',
      String(intervalMs),
      '--concurrency',
      String(concurrency),
      '--checkpoint',
      checkpointPath,
    ],
    env: {
      PATH: process.env.PATH ?? '',
      AFILNET_BASE_URL: sandboxUrl,
      AFILNET_ALLOW_INSECURE_HTTP: '1',
      AFILNET_TRANSPORT: transport,
      AFILNET_USER: DEMO_ACCOUNT.user,
      AFILNET_PASSWORD: DEMO_ACCOUNT.password,
      AFILNET_WEBHOOK_SECRET: `whsec_${randomBytes(32).toString('base64')}`,
    },
    // It prints every delivered message.
    stdout: 'ignore',
  });
  const stop = async () => {
    const exited = new Promise((resolve) => {
      if (worker.child.exitCode !== null || worker.child.signalCode !== null) resolve();
      else worker.child.once('exit', resolve);
    });
    worker.child.kill('SIGTERM');
    const limit = setTimeout(() => worker.child.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(limit);
    await worker.stop();
  };
  return { worker, stop };
}
