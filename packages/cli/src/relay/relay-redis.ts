/**
 * The relay on Redis: BullMQ's inbound poller and worker from `@afilnet-chat/bullmq`, with the
 * webhook delivery as the worker's handler. Any number of relay processes may run on one queue:
 * one poll of the account runs at a time among them, each message is one job (queued once),
 * one conversation's messages are delivered one at a time and in order across all processes,
 * and a job whose process died is taken over by another (BullMQ's stalled-job check).
 *
 * The failed list is BullMQ's failed set of the queue: a message whose retry window closed fails
 * its job with `UnrecoverableError` (no BullMQ retry on top of ours), and its conversation goes
 * on. A relay that stops mid-retry puts the job back (delayed, no attempt used), unacknowledged.
 */
import {
  createInboundPoller,
  createInboundWorker,
  type InboundJobData,
} from '@afilnet-chat/bullmq';
import type { ChatClient, ChatMessage } from '@afilnet-chat/core';
import { DelayedError, Queue, UnrecoverableError, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { CliUsageError } from '../cli-usage-error.js';
import { deliverWebhook } from './deliver-webhook.js';
import { isInboundMessage, type FailedDelivery } from './failed-deliveries.js';
import type { WebhookTarget } from './post-webhook.js';
import type { RelayEvents } from './relay-events.js';
import { webhookBody, webhookId } from './webhook-event.js';

/** The prefix of a job's `failedReason` when its retry window closed. */
export const WEBHOOK_FAILED = 'WEBHOOK_FAILED';
/** How long a worker's claim on a job lasts unrenewed: a killed relay's deliveries move on within about this. */
const LOCK_DURATION_MS = 10_000;
/**
 * How often a message waiting for the one before it checks by itself (it is normally woken at
 * once): after a crash, or after `--retry-failed` re-queued a conversation's messages together.
 */
const RECHECK_MS = 5_000;

/** `redis://user:password@host:port/db` shown without its user and password. */
function shownRedis(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname === '/' ? '' : u.pathname}`;
  } catch {
    return 'the --redis URL';
  }
}

/**
 * Connects to Redis at `url` and checks it answers, once; then the client BullMQ shares.
 *
 * @throws {CliUsageError} naming the host (never a password) when the URL is not a Redis URL or
 *   Redis does not answer within 5 s.
 */
export async function connectRedis(url: string): Promise<Redis> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new CliUsageError('--redis is not a URL; give it as redis://host:6379', 'relay');
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new CliUsageError('--redis must be a redis:// or rediss:// URL', 'relay');
  }
  const probe = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 5_000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    await probe.ping();
  } catch (error) {
    const reason =
      error instanceof Error ? error.message.replace(/\/\/[^@\s]*@/g, '//') : String(error);
    throw new CliUsageError(`Redis at ${shownRedis(url)} cannot be reached: ${reason}`, 'relay');
  } finally {
    probe.disconnect();
  }
  const client = new Redis(url, { maxRetriesPerRequest: null });
  client.on('error', () => undefined);
  return client;
}

/**
 * An inbound job's data as the relay keeps it: the poller's, plus the time of the message's
 * first failed delivery attempt (ms since the epoch), which its retry window runs from.
 */
type RelayJobData = InboundJobData & { readonly firstAttemptAt?: number };

/** How {@link runRedisRelay} runs. */
export interface RedisRelayOptions {
  readonly redisUrl: string;
  readonly queueName: string;
  readonly client: ChatClient;
  readonly target: WebhookTarget;
  readonly account: string;
  readonly intervalMs: number;
  readonly retryWindowMs: number;
  /** Deliveries in flight at once in this process (BullMQ's worker concurrency). */
  readonly concurrency: number;
  /** Stops polling here and starting attempts; the attempts in flight complete. */
  readonly stop: AbortSignal;
  readonly events?: RelayEvents;
}

/**
 * Runs a poller and a worker of the relay until `stop` fires, then closes both after the
 * attempts in flight (a message not delivered goes back to the queue).
 *
 * @throws {CliUsageError} when Redis cannot be reached.
 */
export async function runRedisRelay(options: RedisRelayOptions): Promise<void> {
  const { account, target, events, stop } = options;
  const connection = await connectRedis(options.redisUrl);
  try {
    const handler = async (message: ChatMessage, job: Job<InboundJobData>) => {
      const id = webhookId(account, message);
      const data = job.data as RelayJobData;
      // The window runs from the message's first attempt in any process: saved in the job's data
      // when that attempt fails, so a process taking the job over continues it.
      const windowStart = data.firstAttemptAt ?? Date.now();
      const result = await deliverWebhook(target, id, webhookBody(message, job.timestamp), {
        windowStart,
        windowMs: options.retryWindowMs,
        stop,
        onRetry: async (failure, delayMs) => {
          events?.retrying?.(message, id, failure, delayMs);
          if (data.firstAttemptAt === undefined)
            await job.updateData({ ...data, firstAttemptAt: windowStart } as RelayJobData);
        },
      });
      if (result.outcome === 'delivered') {
        events?.delivered?.(message, id, result.attempts, Date.now() - job.timestamp);
        return { webhookId: id, attempts: result.attempts, status: result.status };
      }
      if (result.outcome === 'failed') {
        events?.failed?.(message, id, result.attempts, result.reason);
        throw new UnrecoverableError(
          `${WEBHOOK_FAILED}: ${result.reason} after ${result.attempts} attempt(s)`,
        );
      }
      // Stopping: back to the queue unacknowledged, without using an attempt, due when its next
      // attempt was (a Retry-After holds across processes); another relay, or this one restarted, delivers it.
      await job.moveToDelayed(Math.max(Date.now(), result.nextAttemptAt ?? 0), job.token);
      throw new DelayedError();
    };
    const worker = createInboundWorker(
      {
        connection,
        queueName: options.queueName,
        concurrency: options.concurrency,
        lockDuration: LOCK_DURATION_MS,
        stalledInterval: LOCK_DURATION_MS / 2,
        // A relay killed again and again must not fail a message it never delivered.
        maxStalledCount: 100,
        recheckMs: RECHECK_MS,
      },
      handler,
    );
    worker.on('error', () => undefined);
    const poller = await createInboundPoller({
      connection,
      queueName: options.queueName,
      client: options.client,
      intervalMs: options.intervalMs,
      recheckMs: RECHECK_MS,
    });
    poller.queue.on('error', () => undefined);
    if (!stop.aborted)
      await new Promise((resolve) => stop.addEventListener('abort', resolve, { once: true }));
    await poller.close();
    await worker.close();
  } finally {
    await connection.quit().catch(() => connection.disconnect());
  }
}

/** The relay's queue, for `--failed` and `--retry-failed`. */
export interface RelayQueue {
  /** The failed jobs, oldest first, as failed-list entries. */
  failed(): Promise<FailedDelivery[]>;
  /** Queues every failed job again; returns how many. */
  retryFailed(): Promise<number>;
  close(): Promise<void>;
}

/**
 * Opens the relay's queue on Redis at `url`.
 *
 * @throws {CliUsageError} when Redis cannot be reached.
 */
export async function openRelayQueue(
  url: string,
  queueName: string,
  account: string,
): Promise<RelayQueue> {
  const connection = await connectRedis(url);
  const queue = new Queue<InboundJobData>(queueName, { connection });
  queue.on('error', () => undefined);
  return {
    async failed() {
      const jobs = (await queue.getFailed(0, -1)).filter((job) => job.data?.message !== undefined);
      jobs.sort((a, b) => (a.finishedOn ?? 0) - (b.finishedOn ?? 0));
      // Every job's message comes from the poll, which takes in known platforms only.
      return jobs.flatMap((job) => {
        const message = job.data.message;
        if (!isInboundMessage(message)) return [];
        const reason = job.failedReason ?? 'unknown';
        const attempts = Number(/after (\d+) attempt/.exec(reason)?.[1] ?? job.attemptsMade);
        return {
          webhookId: webhookId(account, message),
          failedAt: new Date(job.finishedOn ?? job.timestamp).toISOString(),
          attempts,
          reason,
          message,
        };
      });
    },
    async retryFailed() {
      const count = await queue.getFailedCount();
      if (count === 0) return 0;
      // A message queued again gets a new retry window: forget each one's first attempt.
      for (let start = 0; start < count; start += 1_000) {
        for (const job of await queue.getFailed(start, start + 999)) {
          const data = job.data as RelayJobData | undefined;
          if (data?.firstAttemptAt === undefined) continue;
          const { firstAttemptAt: _, ...rest } = data;
          await job.updateData(rest);
        }
      }
      await queue.retryJobs({ state: 'failed', count: 1_000 });
      return count;
    },
    async close() {
      await queue.close();
      await connection.quit().catch(() => connection.disconnect());
    },
  };
}
