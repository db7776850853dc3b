/**
 * The consumer side of bulk sending: a BullMQ worker that sends each job through the user's
 * client, settles its outcome in the job's `returnvalue`, turns `RATE_LIMITED` into BullMQ's own
 * rate limiting, and never sends a job again once an attempt may have written it.
 */
import {
  AfilnetApiError,
  AfilnetTransportError,
  AfilnetValidationError,
  type ChatClient,
} from '@afilnet-chat/core';
import { Queue, UnrecoverableError, Worker, type Job, type WorkerOptions } from 'bullmq';
import { fleetOptionChecks } from './check-options.js';
import type { ReviewJobData } from './create-send-queue.js';
import { OwningWorker, withoutUndefined } from './owning-worker.js';
import type { SendJobData } from './send-job.js';
import { STALLED, type RecordedError, type SendResult } from './send-outcome.js';
import { DEFAULT_QUEUE_NAME, reviewQueueName } from './send-queue-options.js';
import { inConsumerSpan } from './trace-context.js';

/** Options of {@link createSendWorker}: BullMQ's `WorkerOptions`, and ours. */
export interface SendWorkerOptions extends WorkerOptions {
  /** The BullMQ queue name (`afilnet-sends`), as the queue names it. */
  readonly queueName?: string;
  /** The client that sends; the worker never closes it. */
  readonly client: ChatClient;
}

/** The pause a 429 without `Retry-After` gets, in ms. */
export const DEFAULT_RATE_LIMIT_MS = 1_000;
/**
 * The queue-wide limit set only while a 429's pause runs: BullMQ checks its rate-limit key only
 * on a queue (or worker) with a limit, and counts every job against it. High enough never to
 * bind; it exists so that the pause binds every worker.
 */
const PAUSE_ONLY = { max: 1_000_000_000, duration: 1_000 };

/** True for a server's refusal to take more requests now (HTTP 429). */
function isRateLimited(error: unknown): error is AfilnetTransportError {
  return error instanceof AfilnetTransportError && error.code === 'RATE_LIMITED';
}

function recorded(error: unknown): RecordedError {
  const code: unknown =
    error instanceof Error ? (error as Error & { code?: unknown }).code : undefined;
  if (error instanceof Error && typeof code === 'string') return { code, message: error.message };
  // An error the SDK did not make may carry anything: only the fact is recorded.
  return { code: 'UNKNOWN', message: 'the send failed with an error the SDK did not classify' };
}

/**
 * Creates a worker that sends the queue's jobs through `client`. A job completes once its
 * outcome is settled, the outcome in its `returnvalue` ({@link SendResult}):
 *
 * - `sent`;
 * - a failure with `mayHaveBeenSent: false` is attempted again up to the job's `attempts` (its
 *   `failedReason` meanwhile `CODE: message`), then `not-sent`; an API or validation error is
 *   `not-sent` at once (the server refused it);
 * - a failure with `mayHaveBeenSent: true`, or any error the SDK did not classify, is
 *   `needs-review` at once, and the send is listed in the review queue first;
 * - a job BullMQ reports stalled (its worker died or lost its lock while sending) is
 *   `needs-review` when picked up again, without being sent; one that stalls more often than
 *   `maxStalledCount` is failed by BullMQ, which the queue reads as `needs-review` too;
 * - `RATE_LIMITED` (after the client's own retries) pauses every worker of the queue for
 *   `retryAfterMs` (1 s without one) and puts the job back, with no attempt used.
 *
 * Every `WorkerOptions` of BullMQ passes through; ours differ from BullMQ's defaults only in
 * `concurrency: 16`. Without a `limiter`, no job is counted against one: a 429 sets a queue-wide
 * limit that never binds for the length of its pause, which makes BullMQ apply the pause to
 * every worker, then removes it.
 *
 * @returns BullMQ's worker (its events, `pause`, `close`). `close()` leaves the client and a
 *   connection passed as a client open.
 * @throws {AfilnetValidationError} `INVALID_CONFIG` naming each bad option of ours, never its value.
 * @see https://docs.bullmq.io/guide/rate-limiting
 * @see https://docs.bullmq.io/guide/workers/stalled-jobs
 * @see docs/fleet.md
 */
export function createSendWorker(options: SendWorkerOptions): Worker<SendJobData, SendResult> {
  const checks = fleetOptionChecks(options, 'send worker').name('queueName').name('prefix');
  const client: unknown = options?.client;
  if (
    typeof client !== 'object' ||
    client === null ||
    typeof (client as ChatClient).sendMessage !== 'function'
  ) {
    checks.problem('client', 'must be a ChatClient (createChatClient)');
  }
  checks.done();
  const { queueName = DEFAULT_QUEUE_NAME, client: chat, ...workerOptions } = options;
  const base = {
    connection: options.connection,
    ...(options.prefix === undefined ? {} : { prefix: options.prefix }),
  };
  const review = new Queue<ReviewJobData>(reviewQueueName(queueName), base);
  const ownLimiter = options.limiter !== undefined;
  let control: Queue | undefined;

  /**
   * Pauses every worker of the queue for `ms` through BullMQ's rate limiting. A worker with a
   * `limiter` has it already; otherwise a queue-wide limit that never binds is set for the pause
   * and removed after it (unless you set one yourself), so that jobs are not counted otherwise.
   * A process that dies before removing it leaves only that counting, which the next pause
   * removes.
   */
  const pauseQueue = async (ms: number): Promise<void> => {
    if (!ownLimiter) {
      control ??= new Queue(queueName, base);
      const current = await control.getGlobalRateLimit();
      if (current === null) await control.setGlobalRateLimit(PAUSE_ONLY.max, PAUSE_ONLY.duration);
      if (current === null || current.max === PAUSE_ONLY.max)
        setTimeout(() => void endPause(), ms).unref();
    }
    await worker.rateLimit(ms);
  };
  const endPause = async (): Promise<void> => {
    if (control === undefined) return;
    try {
      const left = await control.getRateLimitTtl(PAUSE_ONLY.max);
      if (left > 0) {
        setTimeout(() => void endPause(), left).unref();
        return;
      }
      if ((await control.getGlobalRateLimit())?.max === PAUSE_ONLY.max)
        await control.removeGlobalRateLimit();
    } catch {
      // Redis unreachable: the limit stays, which only costs counting until the next pause ends.
    }
  };

  /** Lists the send for review, then settles it `needs-review`; never sends it again. */
  const needsReview = async (
    job: Job<SendJobData, SendResult>,
    error: RecordedError,
  ): Promise<SendResult> => {
    const { idempotencyKey, method, input } = job.data;
    try {
      await review.add('review', { idempotencyKey, method, input, error } as ReviewJobData, {
        jobId: job.id ?? idempotencyKey,
      });
    } catch (cause) {
      // Unlisted, it must still never be sent again: BullMQ fails it, which reads needs-review.
      throw new UnrecoverableError(
        `${error.code}: ${error.message} (and the review queue could not be written: ${String(cause)})`,
      );
    }
    return { outcome: 'needs-review', error };
  };

  // The client's call and HTTP spans join the trace of the code that queued the send.
  const process = (job: Job<SendJobData, SendResult>): Promise<SendResult> =>
    inConsumerSpan(
      {
        queueName,
        carried: job.data.traceContext,
        attributes: { 'afilnet.method': job.data.method },
      },
      () => sendJob(job),
    );

  const sendJob = async (job: Job<SendJobData, SendResult>): Promise<SendResult> => {
    if (job.stalledCounter > 0) {
      return needsReview(job, {
        code: STALLED,
        message: 'a worker stopped while this send may have been written',
      });
    }
    try {
      if (job.data.method === 'sendmessage') await chat.sendMessage(job.data.input);
      else await chat.sendFile(job.data.input);
      return { outcome: 'sent' };
    } catch (error) {
      if (isRateLimited(error)) {
        await pauseQueue(error.retryAfterMs ?? DEFAULT_RATE_LIMIT_MS);
        throw Worker.RateLimitError();
      }
      if (error instanceof AfilnetTransportError && !error.mayHaveBeenSent) {
        const { code, message } = recorded(error);
        // BullMQ attempts it again; the last attempt settles it.
        if (job.attemptsMade + 1 < (job.opts.attempts ?? 1)) throw new Error(`${code}: ${message}`);
        return { outcome: 'not-sent', error: { code, message } };
      }
      if (error instanceof AfilnetApiError || error instanceof AfilnetValidationError) {
        return { outcome: 'not-sent', error: recorded(error) };
      }
      return needsReview(job, recorded(error));
    }
  };

  const worker = new OwningWorker<SendJobData, SendResult>(
    queueName,
    process,
    { concurrency: 16, ...withoutUndefined(workerOptions) },
    [review, { close: async () => control?.close() }],
  );
  return worker;
}
