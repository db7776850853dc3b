/**
 * The consumer side of receiving on BullMQ: a worker that hands each inbound message to the
 * user's handler, one conversation's messages one at a time and oldest first across every worker.
 */
import type { ChatMessage } from '@afilnet-chat/core';
import { DelayedError, Queue, type Job, type Worker, type WorkerOptions } from 'bullmq';
import { fleetOptionChecks } from './check-options.js';
import { conversationOrderKeys, DEFAULT_RECHECK_MS } from './create-inbound-poller.js';
import { DEFAULT_INBOUND_QUEUE_NAME, type InboundJobData } from './inbound-job.js';
import { ConversationOrder, openInboundRedis } from './inbound-redis.js';
import { OwningWorker, withoutUndefined } from './owning-worker.js';
import { inConsumerSpan } from './trace-context.js';

/** Options of {@link createInboundWorker}: BullMQ's `WorkerOptions`, and ours. */
export interface InboundWorkerOptions extends WorkerOptions {
  /** The queue of inbound messages, as the poller names it (`afilnet-inbound`). */
  readonly queueName?: string;
  /** See {@link DEFAULT_RECHECK_MS} (30,000). */
  readonly recheckMs?: number;
}

/** The user's handler of one inbound message; what it returns becomes the job's `returnvalue`. */
export type InboundHandler<R = unknown> = (
  message: ChatMessage,
  job: Job<InboundJobData, R>,
) => Promise<R> | R;

const isFinished = (state: string) =>
  state === 'completed' || state === 'failed' || state === 'unknown';

/**
 * Creates a worker of inbound message jobs: BullMQ's `Worker`, with `handler` called once per
 * attempt of each job. A job whose conversation has an earlier message not yet finished
 * (completed, or failed for good) waits for it without using an attempt; when a job finishes,
 * the next message of its conversation is released. Different conversations run concurrently,
 * up to `concurrency` (BullMQ's, 1 by default) per worker.
 *
 * A handler that throws is retried per the job's `attempts` and `backoff` (set by the poller);
 * the conversation's later messages wait meanwhile. A job out of attempts stays in the failed
 * set and its conversation goes on. Every other `WorkerOptions` is BullMQ's, passed through.
 *
 * @returns BullMQ's worker: its events, `close()`, `pause()`. Closing it leaves a connection
 *   passed as a client open.
 * @throws {AfilnetValidationError} `INVALID_CONFIG` naming each bad option of ours, never its value.
 * @see docs/fleet.md
 */
export function createInboundWorker<R = unknown>(
  options: InboundWorkerOptions,
  handler: InboundHandler<R>,
): Worker<InboundJobData, R> {
  const checks = fleetOptionChecks(options, 'inbound worker')
    .name('queueName')
    .name('prefix')
    .integer('recheckMs', 'milliseconds', 10);
  if (typeof handler !== 'function')
    checks.problem('handler', 'must be a function (message, job) => …');
  checks.done();

  const {
    queueName = DEFAULT_INBOUND_QUEUE_NAME,
    recheckMs = DEFAULT_RECHECK_MS,
    ...workerOptions
  } = options;
  const queue = new Queue<InboundJobData>(queueName, {
    connection: options.connection,
    ...(options.prefix === undefined ? {} : { prefix: options.prefix }),
  });
  const redis = openInboundRedis(options.connection);
  const order = new ConversationOrder(redis, conversationOrderKeys(queue), (id) => queue.toKey(id));

  const process = async (job: Job<InboundJobData, R>, token?: string): Promise<R> => {
    const { previous, conversation, message } = job.data;
    if (previous !== undefined) {
      if (!isFinished(await queue.getJobState(previous))) {
        // Back to sleep, no attempt used; the previous job's finisher wakes this one.
        await job.moveToDelayed(Date.now() + recheckMs, token);
        throw new DelayedError();
      }
      // The process that finished it may have died before forgetting it.
      await order.finish(conversation, previous);
    }
    // The handler's spans (its own client's calls included) join the trace of the poll that found the message.
    return inConsumerSpan({ queueName, carried: job.data.traceContext }, async () =>
      handler(message, job),
    );
  };

  // An option given as `undefined` keeps BullMQ's default (BullMQ would take the `undefined`).
  const worker = new OwningWorker<InboundJobData, R>(
    queueName,
    process,
    withoutUndefined(workerOptions),
    [queue, { close: () => redis.quit() }],
  );
  /** Forgets a finished job and wakes the next job of its conversation. */
  const release = async (job: Job<InboundJobData, R>) => {
    const next = await order.finish(job.data.conversation, job.id ?? '');
    if (next === undefined) return;
    // Not delayed (already woken, or its poller has yet to add it: that poller then wakes it).
    await (await queue.getJob(next))?.promote().catch(() => undefined);
  };
  // A release that fails (Redis gone) is made good by the waiting job's own recheck.
  const report = (error: unknown) => {
    if (worker.listenerCount('error') > 0)
      worker.emit('error', error instanceof Error ? error : new Error(String(error)));
  };
  worker.on('completed', (job) => void release(job).catch(report));
  worker.on('failed', (job) => {
    // Only a failure for good (no attempt left) sets finishedOn; a retry keeps the conversation waiting.
    if (job?.finishedOn !== undefined) void release(job).catch(report);
  });
  return worker;
}
