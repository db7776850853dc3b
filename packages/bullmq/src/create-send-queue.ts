/**
 * The producer side of bulk sending: validated sends become BullMQ jobs whose id is
 * their idempotency key, and their outcome is read back from BullMQ's own job states.
 */
import { AfilnetValidationError, type SendFileInput, type SendMessageInput } from '@afilnet-chat/core';
import { DEFAULT_MAX_MESSAGE_LENGTH } from '@afilnet-chat/core/constants';
import { loadOpenTelemetryApi, toWireRequest } from '@afilnet-chat/core/transport';
import { Queue, type Job } from 'bullmq';
import { z } from 'zod';
import { jobIdOf, type SendJobData } from './send-job.js';
import { readFailedReason, type RecordedError, type SendOutcome } from './send-outcome.js';
import {
  connectionShape,
  DEFAULT_QUEUE_NAME,
  parseOptions,
  positiveInt,
  type QueueConnectionOptions,
} from './send-queue-options.js';

/** Options of {@link createSendQueue}. */
export interface SendQueueOptions extends QueueConnectionOptions {
  /**
   * Attempts per send (3), the first included. Only failures that provably never reached the
   * server are attempted again; `RATE_LIMITED` waits use none.
   */
  readonly attempts?: number;
  /** The first wait before another attempt, in ms (1,000), doubled each time. */
  readonly backoffMs?: number;
  /** The longest `message` accepted, in code points, as the client checks it (4,096). */
  readonly maxMessageLength?: number;
}

/** Per-send options. */
export interface EnqueueOptions {
  /**
   * Names the send: queued again under the same key, it is the same job, sent once. Any
   * non-empty string of at most 512 characters (an order number, a message id).
   */
  readonly idempotencyKey: string;
}

/** A send that needs a person: it may or may not have reached the server. */
export interface ReviewItem {
  /** The key the send was queued under. */
  readonly idempotencyKey: string;
  /** The API method of the send. */
  readonly method: 'sendmessage' | 'sendfile';
  /** What was to be sent, as queued: look for it in the conversation. */
  readonly input: SendMessageInput | SendFileInput;
  /** The failure that made the outcome unknown (`STALLED` for a worker that died). */
  readonly error: RecordedError;
}

/** The queue of sends. */
export interface SendQueue {
  /**
   * Queues a text message under `idempotencyKey`. A key already queued (in any state) keeps its
   * job: nothing new is queued.
   *
   * @throws {AfilnetValidationError} `INVALID_PARAMS` listing every problem with the input or the
   *   key; nothing is queued.
   */
  sendMessage(input: SendMessageInput, options: EnqueueOptions): Promise<void>;
  /** Queues a file, as {@link SendQueue.sendMessage} does a message. */
  sendFile(input: SendFileInput, options: EnqueueOptions): Promise<void>;
  /** What became of the send queued under `idempotencyKey`; `undefined` if none was. */
  outcome(idempotencyKey: string): Promise<SendOutcome | undefined>;
  /** Every send whose outcome is `needs-review`, oldest failure first. */
  needsReview(): Promise<ReviewItem[]>;
  /** BullMQ's queue, for its events, metrics and dashboards. */
  readonly queue: Queue<SendJobData, void>;
  /** Closes the queue's own connections (a client passed as `connection` stays open). */
  close(): Promise<void>;
}

const optionsSchema = z
  .object({
    ...connectionShape,
    attempts: positiveInt('a number of attempts').optional(),
    backoffMs: positiveInt('a number of milliseconds').optional(),
    maxMessageLength: positiveInt('a number of characters').optional(),
  })
  .strict();

const keySchema = z.object(
  {
    idempotencyKey: z
      .string({ error: 'must be a string' })
      .min(1, 'must not be empty')
      .max(512, 'must be at most 512 characters'),
  },
  { error: 'must be an object with an idempotencyKey' },
);

// Failed jobs are read in pages, so that a long failed list is never one Redis reply.
const PAGE = 500;

/**
 * The trace context of the code queuing a send, through the app's registered propagator;
 * `undefined` without OpenTelemetry or outside any trace. Throws nothing.
 */
async function currentTraceContext(): Promise<Record<string, string> | undefined> {
  const api = await loadOpenTelemetryApi();
  if (api === null) return undefined;
  const carrier: Record<string, string> = {};
  api.propagation.inject(api.context.active(), carrier);
  return Object.keys(carrier).length === 0 ? undefined : carrier;
}

/**
 * Creates a send queue on BullMQ. Finished jobs are kept (BullMQ's default), since a key's job
 * is what makes a second send of that key a no-op and what `outcome` reads.
 *
 * @throws {AfilnetValidationError} `INVALID_CONFIG` naming each bad option, never its value.
 * @see https://docs.bullmq.io/guide/jobs/job-ids
 */
export function createSendQueue(options: SendQueueOptions): SendQueue {
  const settings = parseOptions(optionsSchema, options, 'send queue');
  const maxMessageLength = settings.maxMessageLength ?? DEFAULT_MAX_MESSAGE_LENGTH;
  const queue = new Queue<SendJobData, void>(settings.queueName ?? DEFAULT_QUEUE_NAME, {
    connection: settings.connection,
    ...(settings.prefix === undefined ? {} : { prefix: settings.prefix }),
    ...(settings.telemetry === undefined ? {} : { telemetry: settings.telemetry }),
    defaultJobOptions: {
      attempts: settings.attempts ?? 3,
      backoff: { type: 'exponential', delay: settings.backoffMs ?? 1_000 },
      removeOnComplete: false,
      removeOnFail: false,
    },
  });

  async function enqueue(method: 'sendmessage' | 'sendfile', input: unknown, enqueueOptions: unknown): Promise<void> {
    let problems: AfilnetValidationError['issues'] = [];
    try {
      toWireRequest(method, input, maxMessageLength);
    } catch (error) {
      if (!(error instanceof AfilnetValidationError)) throw error;
      problems = error.issues;
    }
    const key = keySchema.safeParse(enqueueOptions);
    if (!key.success) {
      problems = [...problems, ...key.error.issues.map((i) => ({ path: ['options', ...i.path].join('.'), message: i.message }))];
    }
    if (problems.length > 0 || !key.success) {
      throw new AfilnetValidationError('INVALID_PARAMS', `Invalid input for ${method}`, { issues: problems });
    }
    const idempotencyKey = key.data.idempotencyKey;
    const traceContext = await currentTraceContext();
    const data = { idempotencyKey, method, input, ...(traceContext === undefined ? {} : { traceContext }) } as SendJobData;
    await queue.add(method, data, { jobId: jobIdOf(idempotencyKey) });
  }

  return {
    queue,
    sendMessage: (input, enqueueOptions) => enqueue('sendmessage', input, enqueueOptions),
    sendFile: (input, enqueueOptions) => enqueue('sendfile', input, enqueueOptions),
    async outcome(idempotencyKey) {
      const job: Job<SendJobData, void> | undefined = await queue.getJob(jobIdOf(idempotencyKey));
      if (job === undefined) return undefined;
      const state = await job.getState();
      if (state === 'completed') return 'sent';
      if (state === 'failed') return readFailedReason(job.failedReason).outcome;
      if (state === 'unknown') return undefined;
      return 'queued';
    },
    async needsReview() {
      const review: ReviewItem[] = [];
      const total = await queue.getFailedCount();
      for (let start = 0; start < total; start += PAGE) {
        const jobs = await queue.getFailed(start, start + PAGE - 1);
        for (const job of jobs) {
          if (job === undefined) continue;
          const read = readFailedReason(job.failedReason);
          if (read.outcome !== 'needs-review') continue;
          const { idempotencyKey, method, input } = job.data;
          review.push({ idempotencyKey, method, input, error: read.error });
        }
      }
      return review.reverse();
    },
    close: () => queue.close(),
  };
}
