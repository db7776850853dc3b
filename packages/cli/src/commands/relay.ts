/**
 * `afilnet-chat relay`: delivers every inbound message of the account to a webhook, signed as
 * Standard Webhooks says. The delivery itself lives in `../relay/`; this file reads the options,
 * checks them before anything runs, and prints what happens.
 */
import type { ChatMessage } from '@afilnet-chat/core';
import {
  DEFAULT_WATCH_INTERVAL_MS,
  DEFAULT_WATCH_MAX_BACKOFF_MS,
} from '@afilnet-chat/core/constants';
import { CliUsageError } from '../cli-usage-error.js';
import type { Command, CommandContext } from '../command.js';
import { EXIT_CODES } from '../exit-codes.js';
import {
  METRICS_PORT_OPTION,
  startMetricsEndpoint,
  type MetricsEndpoint,
} from '../metrics-endpoint.js';
import { parseIntegerOption } from '../parse-integer-option.js';
import { printableText } from '../printable-text.js';
import { proxyDispatcher } from '../proxy-dispatcher.js';
import type { FailedDelivery } from '../relay/failed-deliveries.js';
import type { RelayEvents } from '../relay/relay-events.js';
import { DEFAULT_RETRY_WINDOW_MS } from '../relay/retry-schedule.js';
import { checkWebhookSecret } from '../relay/webhook-secret.js';

/** The checkpoint file of the in-process relay when `--checkpoint` is left out. */
const DEFAULT_CHECKPOINT = './afilnet-relay.json';
/** The BullMQ queue of the relay on Redis when `--queue` is left out. */
const DEFAULT_QUEUE = 'afilnet-relay';
const DEFAULT_CONCURRENCY = 8;

function where(
  m: Pick<ChatMessage, 'platform' | 'platformId' | 'destination' | 'messageId'>,
): string {
  return `${printableText(m.platform)} ${printableText(m.platformId)} ${printableText(m.destination)} #${printableText(m.messageId)}`;
}

/** The receiver's URL, checked: http(s), no credentials in it, http only when allowed. */
function webhookUrl(context: CommandContext): URL {
  const text = context.text('url');
  if (text === undefined || text === '')
    throw new CliUsageError('--url <https url> names the receiver of the webhooks', 'relay');
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new CliUsageError('--url is not a URL; give the receiver as https://host/path', 'relay');
  }
  if (url.username !== '' || url.password !== '') {
    throw new CliUsageError(
      '--url must not hold a user or password; the receiver checks the signature instead',
      'relay',
    );
  }
  if (url.protocol === 'http:') {
    const env = context.io.env.AFILNET_ALLOW_INSECURE_HTTP?.trim().toLowerCase();
    if (context.values['allow-insecure-http'] !== true && env !== '1' && env !== 'true') {
      throw new CliUsageError(
        '--url is http://: the messages would travel unencrypted; use https://, or --allow-insecure-http (AFILNET_ALLOW_INSECURE_HTTP=1) for a local receiver',
        'relay',
      );
    }
  } else if (url.protocol !== 'https:') {
    throw new CliUsageError(
      `--url must be an https:// URL, not ${printableText(url.protocol)}`,
      'relay',
    );
  }
  return url;
}

/** The URL without its query (which may hold a token) for messages. */
function shownUrl(url: URL): string {
  return printableText(`${url.origin}${url.pathname}`);
}

/** The account the webhook-ids are derived from: the user, or the OAuth client. */
function accountOf(context: CommandContext): string {
  return (
    context.text('user') ?? context.io.env.AFILNET_USER ?? context.io.env.AFILNET_CLIENT_ID ?? ''
  );
}

/** The Redis mode, whose packages are optional peers of the CLI. */
async function loadRedisRelay(): Promise<typeof import('../relay/relay-redis.js')> {
  try {
    return await import('../relay/relay-redis.js');
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'ERR_MODULE_NOT_FOUND') throw error;
    throw new CliUsageError(
      '--redis needs @afilnet-chat/bullmq, bullmq and ioredis installed beside the CLI: npm install @afilnet-chat/bullmq bullmq ioredis',
      'relay',
    );
  }
}

function failedLine(entry: FailedDelivery): string {
  return `${entry.failedAt} ${entry.webhookId} ${where(entry.message)} after ${entry.attempts} attempt(s): ${printableText(entry.reason)}\n`;
}

function printer(context: CommandContext): RelayEvents {
  const out = (line: Record<string, unknown>, text: string) =>
    context.io.write(context.json ? `${JSON.stringify(line)}\n` : text);
  const fields = (m: ChatMessage, webhookId: string) => ({
    webhookId,
    platform: m.platform,
    platformId: m.platformId,
    destination: m.destination,
    messageId: m.messageId,
  });
  return {
    delivered(m, webhookId, attempts, latencyMs) {
      out(
        { event: 'delivered', ...fields(m, webhookId), attempts, latencyMs },
        `delivered ${webhookId} ${where(m)} (${attempts} attempt(s), ${latencyMs} ms)\n`,
      );
    },
    failed(m, webhookId, attempts, reason) {
      out(
        { event: 'failed', ...fields(m, webhookId), attempts, reason },
        `failed ${webhookId} ${where(m)} after ${attempts} attempt(s): ${printableText(reason)}; kept in the failed list\n`,
      );
    },
    retrying(m, webhookId, failure, delayMs) {
      context.io.writeError(
        context.json
          ? `${JSON.stringify({ warning: { event: 'retrying', webhookId, messageId: m.messageId, reason: failure.reason, retryInMs: delayMs } })}\n`
          : `afilnet-chat: warning ${webhookId} ${where(m)}: ${printableText(failure.reason)}; retrying in ${delayMs} ms\n`,
      );
    },
    pollRetrying(error, delayMs) {
      context.io.writeError(
        context.json
          ? `${JSON.stringify({ warning: { code: error.code, message: error.message, retryInMs: delayMs } })}\n`
          : `afilnet-chat: warning ${error.code}: ${printableText(error.message)}; polling again in ${delayMs} ms\n`,
      );
    },
  };
}

/** Delivers inbound messages to a webhook. */
export const relayCommand: Command = {
  name: 'relay',
  summary:
    'Deliver every inbound message as a signed webhook POST (Standard Webhooks), until Ctrl-C',
  description:
    'Watches every conversation of the account and POSTs each inbound message to --url as JSON ' +
    '{"type":"message.received","timestamp":…,"data":<message>}, signed with AFILNET_WEBHOOK_SECRET (whsec_ and the ' +
    'base64 of 24 to 64 bytes) as Standard Webhooks specifies: webhook-id (the same on every retry, derived from the ' +
    'message: de-duplicate on it), webhook-timestamp, webhook-signature. A 2xx within 15 s delivers it; otherwise it is ' +
    'retried with growing pauses and jitter (Retry-After honoured on 429 and 503) for --retry-window seconds (24 h), ' +
    'then kept in the failed list: --failed prints it, --retry-failed queues it again. Redirects are not followed. One ' +
    "conversation's messages are delivered in order. Without --redis, one process keeps its progress in --checkpoint " +
    '(and the failed list beside it, x.failed.json); with --redis, any number of relay processes share a BullMQ queue. ' +
    "Delivered and failed messages are printed on stdout, retries on stderr; --metrics-port serves the client's metrics " +
    'and afilnet_relay_deliveries_total (by outcome) for Prometheus. SIGINT or SIGTERM stops after the attempts ' +
    'in flight (a second one stops at once); a message is acknowledged only after a 2xx or once it is in the failed list.',
  callsApi: true,
  options: [
    {
      name: 'url',
      type: 'string',
      valueName: '<https url>',
      description: 'The receiver of the webhooks',
    },
    {
      name: 'checkpoint',
      type: 'string',
      valueName: '<file>',
      description: `Progress of the in-process relay (default ${DEFAULT_CHECKPOINT})`,
    },
    {
      name: 'redis',
      type: 'string',
      valueName: '<redis url>',
      description: 'Share the work with other relay processes through BullMQ on this Redis',
    },
    {
      name: 'queue',
      type: 'string',
      valueName: '<name>',
      description: `The BullMQ queue with --redis (default ${DEFAULT_QUEUE})`,
    },
    {
      name: 'retry-window',
      type: 'string',
      valueName: '<seconds>',
      description: `How long a message is retried before it is failed (default ${DEFAULT_RETRY_WINDOW_MS / 1000})`,
    },
    {
      name: 'interval',
      type: 'string',
      valueName: '<ms>',
      description: `Pause between polls of the account in milliseconds (default ${DEFAULT_WATCH_INTERVAL_MS})`,
    },
    {
      name: 'concurrency',
      type: 'string',
      valueName: '<n>',
      description: `Deliveries in flight at once, per process (default ${DEFAULT_CONCURRENCY})`,
    },
    {
      name: 'failed',
      type: 'boolean',
      description:
        'Print the failed list, one line per message (--json: one object per line), and exit',
    },
    {
      name: 'retry-failed',
      type: 'boolean',
      description: 'Queue the failed messages again for delivery, and exit',
    },
    METRICS_PORT_OPTION,
  ],
  examples: [
    'AFILNET_WEBHOOK_SECRET=whsec_… afilnet-chat relay --url https://app.example.com/hooks/afilnet',
    'AFILNET_WEBHOOK_SECRET=whsec_… afilnet-chat relay --url https://app.example.com/hooks/afilnet --redis redis://127.0.0.1:6379',
    'afilnet-chat relay --failed --json',
    'afilnet-chat relay --retry-failed',
  ],
  async run(context) {
    const listFailed = context.values.failed === true;
    const retryFailed = context.values['retry-failed'] === true;
    if (listFailed && retryFailed)
      throw new CliUsageError(
        '--failed lists and --retry-failed re-queues: give one of them',
        'relay',
      );
    const redisUrl = context.text('redis');
    const checkpointPath = context.text('checkpoint') ?? DEFAULT_CHECKPOINT;
    if (checkpointPath === '') throw new CliUsageError('--checkpoint needs a file name', 'relay');
    if (redisUrl !== undefined && context.text('checkpoint') !== undefined) {
      throw new CliUsageError(
        '--checkpoint is the in-process relay; with --redis the progress lives in Redis',
        'relay',
      );
    }
    const queueName = context.text('queue') ?? DEFAULT_QUEUE;
    if (redisUrl === undefined && context.text('queue') !== undefined)
      throw new CliUsageError('--queue needs --redis', 'relay');

    if (listFailed || retryFailed) {
      if (context.text('metrics-port') !== undefined)
        throw new CliUsageError(
          '--metrics-port serves while relaying: leave it out with --failed and --retry-failed',
          'relay',
        );
      if (redisUrl !== undefined) {
        const { openRelayQueue } = await loadRedisRelay();
        const queue = await openRelayQueue(redisUrl, queueName, accountOf(context));
        try {
          if (listFailed) {
            for (const entry of await queue.failed())
              context.io.write(context.json ? `${JSON.stringify(entry)}\n` : failedLine(entry));
          } else {
            const count = await queue.retryFailed();
            context.print(
              { requeued: count },
              () => `${count} failed message(s) queued again for delivery.\n`,
            );
          }
        } finally {
          await queue.close();
        }
        return EXIT_CODES.OK;
      }
      const { createFailedFile, failedPathFor } = await import('../relay/failed-deliveries.js');
      const failed = createFailedFile(failedPathFor(checkpointPath));
      if (listFailed) {
        for (const entry of await failed.list())
          context.io.write(context.json ? `${JSON.stringify(entry)}\n` : failedLine(entry));
        return EXIT_CODES.OK;
      }
      const { requeueFailed } = await import('../relay/requeue-failed.js');
      const { createFileCheckpoint } = await import('@afilnet-chat/core');
      const count = await requeueFailed(createFileCheckpoint(checkpointPath), failed);
      context.print(
        { requeued: count },
        () =>
          `${count} failed message(s) queued again; the relay on ${printableText(checkpointPath)} delivers them.\n`,
      );
      return EXIT_CODES.OK;
    }

    // Every check before anything runs: exit 2 naming the problem, never the secret.
    const url = webhookUrl(context);
    const secret = context.io.env.AFILNET_WEBHOOK_SECRET;
    const secretCheck = checkWebhookSecret(secret);
    if (!secretCheck.ok) {
      throw new CliUsageError(
        `${secretCheck.reason}: the webhooks are signed with it (whsec_ followed by the base64 of 24 to 64 random bytes)`,
        'relay',
      );
    }
    const retryWindowMs =
      parseIntegerOption(
        'retry-window',
        context.text('retry-window'),
        DEFAULT_RETRY_WINDOW_MS / 1000,
        1,
        30 * 86_400,
      ) * 1000;
    const intervalMs = parseIntegerOption(
      'interval',
      context.text('interval'),
      DEFAULT_WATCH_INTERVAL_MS,
      1,
      86_400_000,
    );
    const concurrency = parseIntegerOption(
      'concurrency',
      context.text('concurrency'),
      DEFAULT_CONCURRENCY,
      1,
      1_000,
    );
    const account = accountOf(context);
    const metricsPort = context.text('metrics-port');
    const port =
      metricsPort === undefined
        ? undefined
        : parseIntegerOption('metrics-port', metricsPort, 0, 0, 65_535);

    const [{ createWebhookSigner }, { Agent }] = await Promise.all([
      import('../relay/webhook-signer.js'),
      import('undici'),
    ]);
    const signer = createWebhookSigner(secret as string);
    // Webhooks follow the same proxy variables as the API calls: a receiver behind a corporate
    // proxy is reached as the API is.
    const agentOptions = { connect: { timeout: 15_000 } };
    const dispatcher =
      (await proxyDispatcher(context.io.env, agentOptions)) ?? new Agent(agentOptions);
    const target = { url, signer, dispatcher, userAgent: 'afilnet-chat-relay' };
    const stop = context.io.stopSignal();
    let metrics: MetricsEndpoint | undefined;
    try {
      let events = printer(context);
      if (port !== undefined) {
        metrics = await startMetricsEndpoint(port);
        context.io.writeError(`Serving metrics on ${metrics.url}\n`);
        events = (await import('../relay/relay-metrics.js')).countDeliveries(
          events,
          metrics.meterProvider,
        );
      }
      const telemetry =
        metrics === undefined ? {} : { telemetry: { meterProvider: metrics.meterProvider } };
      if (redisUrl !== undefined) {
        const { connectRedis, runRedisRelay } = await loadRedisRelay();
        // Redis is checked before the account: an unreachable one is a usage error (exit 2).
        await (await connectRedis(redisUrl)).quit();
        const chat = await context.client(telemetry);
        if (!context.json) {
          context.io.writeError(
            `Relaying the account's inbound messages to ${shownUrl(url)} through Redis queue ${printableText(queueName)}; Ctrl-C to stop.\n`,
          );
        }
        await runRedisRelay({
          redisUrl,
          queueName,
          client: chat,
          target,
          account,
          intervalMs,
          retryWindowMs,
          concurrency,
          stop,
          events,
        });
      } else {
        const [
          { runInProcessRelay },
          { createFailedFile, failedPathFor },
          { createFileCheckpoint },
        ] = await Promise.all([
          import('../relay/relay-in-process.js'),
          import('../relay/failed-deliveries.js'),
          import('@afilnet-chat/core'),
        ]);
        const chat = await context.client(telemetry);
        if (!context.json) {
          context.io.writeError(
            `Relaying the account's inbound messages to ${shownUrl(url)} (checkpoint ${printableText(checkpointPath)}); Ctrl-C to stop.\n`,
          );
        }
        await runInProcessRelay({
          api: chat,
          checkpoint: createFileCheckpoint(checkpointPath),
          failed: createFailedFile(failedPathFor(checkpointPath)),
          target,
          account,
          intervalMs,
          maxBackoffMs: Math.max(intervalMs, DEFAULT_WATCH_MAX_BACKOFF_MS),
          retryWindowMs,
          concurrency,
          stop,
          events,
        });
      }
    } finally {
      await Promise.all([dispatcher.close(), metrics?.close()]);
    }
    if (!context.json) context.io.writeError('Relay stopped.\n');
    return EXIT_CODES.OK;
  },
};
