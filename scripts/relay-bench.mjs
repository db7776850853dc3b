#!/usr/bin/env node
/**
 * `pnpm bench:relay`: webhook deliveries per second and latency from inbound message to 2xx,
 * through `afilnet-chat relay` run as a process against the sandbox and a local receiver that
 * verifies every request with standardwebhooks. Writes bench/relay-results.json and its section
 * of bench/RESULTS.md.
 *
 *   node scripts/relay-bench.mjs [--burst 1000] [--steady 500] [--rate 100] [--interval 200] [--concurrency 16]
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { Webhook } from 'standardwebhooks';
import { DEMO_ACCOUNT, startSandbox } from '@afilnet-chat/sandbox';
import { saveRelayRecord } from '../bench/report/relay-section.mjs';
import { startRedisServer } from './redis-server.mjs';

const { values } = parseArgs({
  options: {
    burst: { type: 'string', default: '1000' },
    steady: { type: 'string', default: '500' },
    rate: { type: 'string', default: '100' },
    interval: { type: 'string', default: '200' },
    concurrency: { type: 'string', default: '16' },
  },
});
const BURST = Number(values.burst);
const STEADY = Number(values.steady);
const RATE = Number(values.rate);
const INTERVAL = Number(values.interval);
const CONCURRENCY = Number(values.concurrency);
const CONVERSATIONS = 100;
const BIN = fileURLToPath(new URL('../packages/cli/bin/afilnet-chat.js', import.meta.url));

const secret = `whsec_${randomBytes(32).toString('base64')}`;
const webhook = new Webhook(secret);
const sandbox = await startSandbox();
const dir = mkdtempSync(join(tmpdir(), 'afilnet-relay-bench-'));
const firstOk = new Map();
let received = 0;
const server = createServer(async (req, res) => {
  let body = '';
  for await (const chunk of req) body += chunk;
  const event = webhook.verify(body, req.headers);
  received += 1;
  if (!firstOk.has(event.data.messageId)) firstOk.set(event.data.messageId, performance.now());
  res.writeHead(204).end();
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${server.address().port}/hooks`;
const load = loadavg();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const channels = DEMO_ACCOUNT.channels.map((c) => ({
  platform: c.platform,
  platformId: c.platformId,
}));
const env = {
  PATH: process.env.PATH ?? '',
  AFILNET_BASE_URL: sandbox.url,
  AFILNET_ALLOW_INSECURE_HTTP: '1',
  AFILNET_TRANSPORT: 'post',
  AFILNET_USER: DEMO_ACCOUNT.user,
  AFILNET_PASSWORD: DEMO_ACCOUNT.password,
  AFILNET_WEBHOOK_SECRET: secret,
};
const children = new Set();
// The relays never outlive this script, whatever happens to it.
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

/** One measured run: `processes` relays started with `args`, a warm-up, a burst, a steady stream. */
async function measure(mode, processes, args, tag) {
  firstOk.clear();
  received = 0;
  const relays = Array.from({ length: processes }, () => {
    const child = spawn(
      process.execPath,
      [
        BIN,
        'relay',
        '--url',
        url,
        '--interval',
        String(INTERVAL),
        '--concurrency',
        String(CONCURRENCY),
        ...args,
      ],
      {
        stdio: ['ignore', 'ignore', 'inherit'],
        env,
      },
    );
    children.add(child);
    return child;
  });
  const until = async (ids, limitMs) => {
    const end = Date.now() + limitMs;
    while (!ids.every((id) => firstOk.has(id))) {
      if (Date.now() > end)
        throw new Error(
          `${mode}: only ${ids.filter((id) => firstOk.has(id)).length} of ${ids.length} delivered within ${limitMs} ms`,
        );
      await sleep(20);
    }
  };
  const destination = (i) => `3469${tag}${String(i % CONVERSATIONS).padStart(5, '0')}`;
  const warm = sandbox.injectInbound({
    user: DEMO_ACCOUNT.user,
    ...channels[0],
    destination: destination(0),
    message: 'warm-up',
  }).messageId;
  await until([warm], 60_000);

  // Burst: every message at once.
  const burstMessages = Array.from({ length: BURST }, (_, i) => ({
    ...channels[i % channels.length],
    destination: destination(i),
    message: `burst ${i}`,
  }));
  const burstStart = performance.now();
  const burst = sandbox.injectInboundBulk({ user: DEMO_ACCOUNT.user, messages: burstMessages });
  const burstIds = Array.from({ length: burst.count }, (_, i) =>
    String(Number(burst.firstMessageId) + i),
  );
  await until(burstIds, 300_000);
  const burstEnd = Math.max(...burstIds.map((id) => firstOk.get(id)));

  // Steady stream: one message every 1/RATE s; latency from injection to the first 2xx.
  const injectedAt = new Map();
  const steadyIds = [];
  const steadyStart = performance.now();
  for (let i = 0; i < STEADY; i++) {
    const wait = steadyStart + (i * 1000) / RATE - performance.now();
    if (wait > 0) await sleep(wait);
    const { messageId } = sandbox.injectInbound({
      user: DEMO_ACCOUNT.user,
      ...channels[i % channels.length],
      destination: destination(i),
      message: `steady ${i}`,
    });
    injectedAt.set(messageId, performance.now());
    steadyIds.push(messageId);
  }
  await until(steadyIds, 300_000);
  const latencies = steadyIds
    .map((id) => firstOk.get(id) - injectedAt.get(id))
    .sort((a, b) => a - b);
  const pct = (p) =>
    latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)];
  await Promise.all(
    relays.map((child) => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      return exited.then(() => children.delete(child));
    }),
  );
  const total = 1 + BURST + STEADY;
  const run = {
    mode,
    processes,
    concurrency: CONCURRENCY,
    burst: {
      messages: BURST,
      conversations: CONVERSATIONS,
      perSecond: BURST / ((burstEnd - burstStart) / 1000),
    },
    steady: { messages: STEADY, rate: RATE, p50Ms: pct(50), p99Ms: pct(99) },
    lost: total - firstOk.size,
    repeats: received - firstOk.size,
  };
  console.log(JSON.stringify(run));
  return run;
}

const runs = [
  await measure(
    'in one process (file checkpoint)',
    1,
    ['--checkpoint', join(dir, 'relay.json')],
    '1',
  ),
];
const redis = await startRedisServer();
try {
  runs.push(await measure('--redis, BullMQ', 2, ['--redis', redis.url], '2'));
} finally {
  await redis.stop();
}
server.closeAllConnections();
server.close();
await sandbox.close();
rmSync(dir, { recursive: true, force: true });

const record = {
  date: new Date().toISOString(),
  cores: availableParallelism(),
  load,
  intervalMs: INTERVAL,
  runs,
};
saveRelayRecord(record);
