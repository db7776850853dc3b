// `pnpm load --inbound`: listening to a whole account, on the built packages, against the sandbox
// (in a child process). For each number of conversations (100, 1,000, 10,000 by default; spread
// over the account's four channels), with the fleet (`--fleet`: W processes, each an inbound
// poller and worker on a redis-server) or one process (`watchInbound`):
//
// - backlog: one unread message in every conversation, then messages/s handled until all are;
// - API calls per poll, counted in the sandbox's request log: idle, and with 5 conversations
//   changing between two polls (it must stay flat as conversations grow);
// - latency: a steady trickle of messages, injected → handled p50/p99, with `intervalMs` 500.
//
// Writes its section into bench/RESULTS.md (`--no-record` to skip). Exits 1 when a message was
// not handled.
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { markdownTable, putResultsSection } from '../bench/report/markdown.mjs';
import { startRedisServer } from './redis-server.mjs';

const WORKER = fileURLToPath(new URL('./inbound-fleet-worker.mjs', import.meta.url));
const HEADING = '## Listening to the account';
/** The sandbox demo account's channels, which bulk generation fills evenly. */
const ACCOUNT_CHANNELS = [
  { platform: 'whatsapp', platformId: '100' },
  { platform: 'telegram', platformId: '200' },
  { platform: 'webchat', platformId: '300' },
  { platform: 'operator', platformId: '400' },
];
const CHANNELS = ACCOUNT_CHANNELS.length;
const INTERVAL_MS = 500;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Resolves when `condition()` holds, checking every 50 ms; rejects after `limitMs`. */
async function until(condition, limitMs, what) {
  const deadline = Date.now() + limitMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what} not reached within ${limitMs} ms`);
    await sleep(50);
  }
}

/** W fleet processes, each telling the parent over IPC what it handled and when. */
async function startFleet({ workers, sandbox, credentials, redisPort, queueName, onHandled }) {
  const settings = {
    baseUrl: sandbox.url,
    credentials,
    redisPort,
    queueName,
    intervalMs: INTERVAL_MS,
    concurrency: 16,
    reportHandled: true,
  };
  const children = Array.from({ length: workers }, () =>
    fork(WORKER, [], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, INBOUND_FLEET: JSON.stringify(settings) },
    }),
  );
  await Promise.all(
    children.map(
      (child) =>
        new Promise((resolve, reject) => {
          child.on('message', (message) => {
            if (message.type === 'ready') resolve();
            else if (message.type === 'handled') onHandled(message.id, message.t);
          });
          child.once('exit', (code) =>
            reject(new Error(`an inbound fleet process exited early (code ${code})`)),
          );
        }),
    ),
  );
  return {
    stop: () =>
      Promise.all(
        children.map(
          (child) =>
            new Promise((resolve) => {
              if (child.exitCode !== null) return resolve();
              child.removeAllListeners('exit');
              child.once('exit', resolve);
              child.kill('SIGKILL');
            }),
        ),
      ),
  };
}

/** One process: `watchInbound` in this process, handling each message at once. */
async function startWatch({ sandbox, credentials, onHandled }) {
  const { createChatClient } = await import('@afilnet-chat/core');
  await import('@afilnet-chat/transport-post');
  const chat = createChatClient({
    transport: 'post',
    baseUrl: sandbox.url,
    credentials,
    allowInsecureHttp: true,
  });
  const watch = chat.watchInbound({ intervalMs: INTERVAL_MS });
  const loop = (async () => {
    for await (const message of watch) onHandled(message.messageId, Date.now());
  })();
  return {
    stop: async () => {
      await chat.close();
      await loop.catch(() => undefined);
    },
  };
}

/** Calls per poll over `polls` intervals, while `change()` runs before each. */
async function callsPerPoll(sandbox, polls, change) {
  await sandbox.call('clearRequests');
  for (let i = 0; i < polls; i++) {
    await change();
    await sleep(INTERVAL_MS);
  }
  const counts = await sandbox.call('requestCounts');
  const made = (counts.getchats ?? 0) / CHANNELS;
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  return {
    polls: made,
    perPoll: made > 0 ? total / made : NaN,
    unreadPerPoll: made > 0 ? (counts.getunreadmessages ?? 0) / made : NaN,
  };
}

/**
 * Runs the inbound load. `sandbox` is the load test's sandbox child (`call(method, ...args)`).
 *
 * @returns true when every message was handled.
 */
export async function runInboundLoad({ options, sandbox, credentials }) {
  const sizes = options.conversations ?? [100, 1_000, 10_000];
  const mode = options.fleet
    ? `fleet of ${options.workers} processes`
    : 'one process (watchInbound)';
  const redis = options.fleet ? await startRedisServer() : undefined;
  let redisVersion;
  if (redis !== undefined) {
    const { Redis } = await import('ioredis');
    const admin = new Redis(redis.url);
    redisVersion = /redis_version:(\S+)/.exec(await admin.info('server'))?.[1] ?? 'unknown';
    admin.disconnect();
  }
  const { createRequire } = await import('node:module');
  const require = createRequire(import.meta.url);
  const bullmqVersion = options.fleet
    ? JSON.parse(
        readFileSync(
          require.resolve('bullmq/package.json', {
            paths: [fileURLToPath(new URL('../packages/bullmq/', import.meta.url))],
          }),
          'utf8',
        ),
      ).version
    : undefined;
  const load = loadavg();
  const rows = [];
  let ok = true;
  try {
    for (const [index, conversations] of sizes.entries()) {
      await sandbox.call('reset');
      const handledAt = new Map();
      const onHandled = (id, t) => {
        if (!handledAt.has(id)) handledAt.set(id, t);
      };
      const prefix = `c${index}-`;
      const injected = await sandbox.call('injectInboundBulk', {
        generate: { conversationsPerChannel: conversations / CHANNELS, destinationPrefix: prefix },
      });
      const listener = options.fleet
        ? await startFleet({
            workers: options.workers,
            sandbox,
            credentials,
            redisPort: redis.port,
            queueName: `load-inbound-${index}`,
            onHandled,
          })
        : await startWatch({ sandbox, credentials, onHandled });
      const started = Date.now();
      try {
        // Backlog: every conversation has one unread message when listening starts.
        await until(
          () => handledAt.size >= injected.count,
          600_000,
          `${injected.count} backlog messages handled`,
        );
        const backlogSeconds = (Date.now() - started) / 1000;
        await sleep(2 * INTERVAL_MS);

        const idle = await callsPerPoll(sandbox, 6, async () => undefined);
        const changedIds = [];
        const changed = await callsPerPoll(sandbox, 6, async () => {
          for (let i = 0; i < 5; i++) {
            const n = 1 + Math.floor(Math.random() * (conversations / CHANNELS));
            const channel = ACCOUNT_CHANNELS[Math.floor(Math.random() * CHANNELS)];
            const m = await sandbox.call('injectInbound', {
              user: credentials.user,
              ...channel,
              destination: `${prefix}${n}`,
              message: `change ${i}`,
            });
            changedIds.push(m.messageId);
          }
        });

        // Latency: 10 messages/s for 10 s over random conversations.
        const sentAt = new Map();
        for (let i = 0; i < 100; i++) {
          const n = 1 + Math.floor(Math.random() * (conversations / CHANNELS));
          const channel = ACCOUNT_CHANNELS[i % CHANNELS];
          const m = await sandbox.call('injectInbound', {
            user: credentials.user,
            ...channel,
            destination: `${prefix}${n}`,
            message: `latency ${i}`,
          });
          sentAt.set(m.messageId, Date.now());
          await sleep(100);
        }
        await until(
          () => [...sentAt.keys(), ...changedIds].every((id) => handledAt.has(id)),
          60_000,
          'latency messages handled',
        );
        const latencies = [...sentAt].map(([id, t]) => handledAt.get(id) - t).sort((a, b) => a - b);
        rows.push({
          conversations,
          backlog: injected.count,
          perSecond: injected.count / backlogSeconds,
          idle,
          changed,
          p50: percentile(latencies, 50),
          p99: percentile(latencies, 99),
        });
        console.log(JSON.stringify(rows.at(-1)));
      } catch (error) {
        ok = false;
        rows.push({ conversations, error: String(error.message ?? error) });
        console.error(String(error));
      } finally {
        await listener.stop();
      }
    }
  } finally {
    await redis?.stop();
  }
  const record = {
    date: new Date().toISOString(),
    mode,
    workers: options.fleet ? options.workers : 1,
    cores: availableParallelism(),
    load,
    redisVersion,
    bullmqVersion,
    rows,
  };
  console.table(
    rows
      .filter((r) => r.error === undefined)
      .map((r) => ({
        conversations: r.conversations,
        'backlog msg/s': Math.round(r.perSecond),
        'calls/poll idle': r.idle.perPoll.toFixed(1),
        'calls/poll, 5 changing': r.changed.perPoll.toFixed(1),
        'p50 ms': r.p50,
        'p99 ms': r.p99,
      })),
  );
  if (options.record && rows.length > 0) saveInboundRecord(record, options.fleet);
  return ok;
}

const int = (n) => Math.round(n).toLocaleString('en-US');

/** Puts the section for `record` into bench/RESULTS.md, replacing the same mode's previous one. */
function saveInboundRecord(record, fleet) {
  const heading = `${HEADING}: ${fleet ? 'the BullMQ fleet' : 'watchInbound in one process'}`;
  const section = [
    heading,
    '',
    `Written by \`pnpm load --inbound${fleet ? ` --fleet --workers ${record.workers}` : ''}\` on ${record.date}: the sandbox (its own process) with N conversations over ${CHANNELS} channels, ${record.mode}, \`intervalMs\` ${INTERVAL_MS}, on ${record.cores} cores shared by every process, load average at the start ${record.load.map((n) => n.toFixed(2)).join(', ')}${fleet ? `, Redis ${record.redisVersion}, BullMQ ${record.bullmqVersion}` : ''}.`,
    '',
    markdownTable(
      [
        'conversations',
        'backlog handled (one message each)',
        'API calls per idle poll',
        'API calls per poll, 5 conversations changing',
        'getunreadmessages per poll, 5 changing',
        'injected → handled p50',
        'p99',
      ],
      record.rows.map((r) =>
        r.error !== undefined
          ? [int(r.conversations), `not finished: ${r.error}`, '', '', '', '', '']
          : [
              int(r.conversations),
              `${int(r.perSecond)} messages/s`,
              r.idle.perPoll.toFixed(1),
              r.changed.perPoll.toFixed(1),
              r.changed.unreadPerPoll.toFixed(1),
              `${int(r.p50)} ms`,
              `${int(r.p99)} ms`,
            ],
      ),
    ),
    '',
    "The backlog row times one unread message in every conversation, from the moment every listening process is ready until the last is handled: the first poll reads every conversation once. Calls per poll are counted in the sandbox's request log over 6 intervals (polls counted by their `getchats`, one per channel); a changed conversation costs one `getunreadmessages`, an unchanged one nothing. Latency: 100 messages at 10 per second into random conversations, from the injection's return to the handler.",
  ].join('\n');
  putResultsSection(heading, section);
}
