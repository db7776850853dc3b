/**
 * The producer side of bulk sending: validated sends become BullMQ jobs whose id is their
 * idempotency key, and their outcome is read back from each job's `returnvalue`.
 */
import {
  AfilnetValidationError,
  type SendFileInput,
  type SendMessageInput,
  type ValidationIssue,
} from '@afilnet-chat/core';
import { DEFAULT_MAX_MESSAGE_LENGTH } from '@afilnet-chat/core/constants';
import { toWireRequest } from '@afilnet-chat/core/transport';
import { Queue, type Job, type QueueOptions } from 'bullmq';
import { fleetOptionChecks } from './check-options.js';
import { jobIdOf, type SendJobData } from './send-job.js';
import {
  outcomeOf,
  STALLED,
  type RecordedError,
  type SendOutcome,
  type SendResult,
} from './send-outcome.js';
import { DEFAULT_QUEUE_NAME, reviewQueueName } from './send-queue-options.js';
import { currentTraceContext } from './trace-context.js';

/** Options of {@link createSendQueue}: BullMQ's `QueueOptions`, and ours. */
export interface SendQueueOptions extends QueueOptions {
  /** The BullMQ queue name (`afilnet-sends`); the queue and its workers must agree. */
  readonly queueName?: string;
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

/** What the review queue holds for each send that needs review. */
export type ReviewJobData = ReviewItem;

/**
 * The queue of sends: BullMQ's `Queue` (events, counts, `getJob`, `clean`, dashboards), with
 * validated `sendMessage` / `sendFile` and the outcome of each key.
 */
export class SendQueue extends Queue<SendJobData, SendResult> {
  /** The queue listing the sends that need review (see {@link reviewQueueName}). */
  readonly review: Queue<ReviewJobData>;
  readonly #maxMessageLength: number;

  /** Prefer {@link createSendQueue}, which checks the options first. */
  constructor(options: SendQueueOptions) {
    const {
      queueName = DEFAULT_QUEUE_NAME,
      maxMessageLength = DEFAULT_MAX_MESSAGE_LENGTH,
      ...queueOptions
    } = options;
    super(queueName, {
      ...queueOptions,
      defaultJobOptions: {
        attempts: 3,
        backoff: { type: 'exponential', delay: 1_000 },
        removeOnComplete: false,
        removeOnFail: false,
        ...queueOptions.defaultJobOptions,
      },
    });
    this.review = new Queue<ReviewJobData>(reviewQueueName(queueName), {
      connection: options.connection,
      ...(options.prefix === undefined ? {} : { prefix: options.prefix }),
    });
    this.#maxMessageLength = maxMessageLength;
  }

  /**
   * Queues a text message under `idempotencyKey`. A key already queued (in any state, while its
   * job is kept) keeps its job: nothing new is queued.
   *
   * @throws {AfilnetValidationError} `INVALID_PARAMS` listing every problem with the input or the
   *   key; nothing is queued.
   */
  sendMessage(input: SendMessageInput, options: EnqueueOptions): Promise<void> {
    return this.#enqueue('sendmessage', input, options);
  }

  /** Queues a file, as {@link SendQueue.sendMessage} does a message. */
  sendFile(input: SendFileInput, options: EnqueueOptions): Promise<void> {
    return this.#enqueue('sendfile', input, options);
  }

  /** What became of the send queued under `idempotencyKey`; `undefined` if none was (or its job was removed). */
  async outcome(idempotencyKey: string): Promise<SendOutcome | undefined> {
    const job: Job<SendJobData, SendResult> | undefined = await this.getJob(
      jobIdOf(idempotencyKey),
    );
    if (job === undefined) return undefined;
    const state = await job.getState();
    if (state === 'completed' || state === 'failed') return outcomeOf(state, job.returnvalue);
    if (state === 'unknown') return undefined;
    return 'queued';
  }

  /**
   * Every send whose outcome is `needs-review`, oldest first: the review queue's jobs, and the
   * rare send job BullMQ failed by itself (its worker died more often than `maxStalledCount`).
   * Neither list holds anything else, so nothing is paged through.
   */
  async needsReview(): Promise<ReviewItem[]> {
    const [listed, failed] = await Promise.all([
      this.review.getWaiting(0, -1),
      this.getFailed(0, -1),
    ]);
    const items: Array<{ at: number; id: string; item: ReviewItem }> = [];
    for (const job of listed)
      if (job?.id !== undefined) items.push({ at: job.timestamp, id: job.id, item: job.data });
    const seen = new Set(items.map((i) => i.id));
    for (const job of failed) {
      if (job?.id === undefined || seen.has(job.id)) continue;
      const { idempotencyKey, method, input } = job.data;
      const error = {
        code: STALLED,
        message: job.failedReason ?? 'a worker stopped while this send may have been written',
      };
      items.push({
        at: job.finishedOn ?? job.timestamp,
        id: job.id,
        item: { idempotencyKey, method, input, error } as ReviewItem,
      });
    }
    return items.sort((a, b) => a.at - b.at).map((i) => i.item);
  }

  /** Closes this queue's connections and its review queue's (a client passed as `connection` stays open). */
  override async close(): Promise<void> {
    await Promise.all([super.close(), this.review.close()]);
  }

  async #enqueue(
    method: 'sendmessage' | 'sendfile',
    input: unknown,
    options: unknown,
  ): Promise<void> {
    let problems: ValidationIssue[] = [];
    try {
      toWireRequest(method, input, this.#maxMessageLength);
    } catch (error) {
      if (!(error instanceof AfilnetValidationError)) throw error;
      problems = [...error.issues];
    }
    const key: unknown =
      typeof options === 'object' && options !== null
        ? (options as { idempotencyKey?: unknown }).idempotencyKey
        : undefined;
    if (typeof options !== 'object' || options === null)
      problems.push({ path: 'options', message: 'must be an object with an idempotencyKey' });
    else if (typeof key !== 'string')
      problems.push({ path: 'options.idempotencyKey', message: 'must be a string' });
    else if (key === '')
      problems.push({ path: 'options.idempotencyKey', message: 'must not be empty' });
    else if (key.length > 512)
      problems.push({ path: 'options.idempotencyKey', message: 'must be at most 512 characters' });
    if (problems.length > 0 || typeof key !== 'string') {
      throw new AfilnetValidationError('INVALID_PARAMS', `Invalid input for ${method}`, {
        issues: problems,
      });
    }
    const traceContext = await currentTraceContext();
    const data = {
      idempotencyKey: key,
      method,
      input,
      ...(traceContext === undefined ? {} : { traceContext }),
    } as SendJobData;
    await this.add(method, data, { jobId: jobIdOf(key) });
  }
}

/**
 * Creates a send queue on BullMQ. Every `QueueOptions` of BullMQ passes through; our defaults
 * for jobs differ from BullMQ's: `attempts: 3` (spent only on failures that provably never
 * reached the server), exponential `backoff` from 1 s, and finished jobs kept, since a key's job
 * is what makes a second send of that key a no-op and what `outcome` reads. For an idempotency
 * window instead, set `defaultJobOptions.removeOnComplete: { age: seconds }`: a key queued again
 * after its job was removed is a new send.
 *
 * @throws {AfilnetValidationError} `INVALID_CONFIG` naming each bad option of ours, never its value.
 * @see https://docs.bullmq.io/guide/jobs/job-ids
 * @see docs/fleet.md
 */
export function createSendQueue(options: SendQueueOptions): SendQueue {
  fleetOptionChecks(options, 'send queue')
    .name('queueName')
    .name('prefix')
    .integer('maxMessageLength', 'characters')
    .done();
  return new SendQueue(options);
}
