/**
 * The consumer side of bulk sending: a BullMQ worker that sends each job through the
 * user's client, records `not-sent` / `needs-review`, turns `RATE_LIMITED` into BullMQ's own rate
 * limiting, and never sends a job again once an attempt may have written it.
 */
import { AfilnetApiError, AfilnetTransportError, AfilnetValidationError, type ChatClient } from '@afilnet-chat/core';
import { loadOpenTelemetryApi } from '@afilnet-chat/core/transport';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { z } from 'zod';
import type { SendJobData } from './send-job.js';
import { failedReason, STALLED } from './send-outcome.js';
import {
  connectionShape,
  DEFAULT_QUEUE_NAME,
  parseOptions,
  positiveInt,
  type QueueConnectionOptions,
} from './send-queue-options.js';

/** Options of {@link createSendWorker}. */
export interface SendWorkerOptions extends QueueConnectionOptions {
  /** The client that sends; the worker never closes it. */
  readonly client: ChatClient;
  /** Jobs this worker sends at once (16). */
  readonly concurrency?: number;
  /**
   * At most `max` sends per `duration` ms across every worker of the queue (BullMQ's global
   * limiter). Without it the worker still sets one, of 1,000,000,000 per second: BullMQ applies
   * a server's 429 pause only to workers that have a limiter.
   */
  readonly limiter?: {
    /** Sends allowed per `duration`. */
    readonly max: number;
    /** The window, in ms. */
    readonly duration: number;
  };
  /**
   * How long a worker's claim on a job lasts without renewal, in ms (BullMQ's `lockDuration`,
   * 30,000). A worker that dies holding jobs frees them this long after its last renewal.
   */
  readonly lockDuration?: number;
  /** How often workers look for jobs whose worker died, in ms (BullMQ's `stalledInterval`, 30,000). */
  readonly stalledInterval?: number;
}

/** The pause a 429 without `Retry-After` gets, in ms. */
export const DEFAULT_RATE_LIMIT_MS = 1_000;
const UNLIMITED = { max: 1_000_000_000, duration: 1_000 };

const optionsSchema = z
  .object({
    ...connectionShape,
    client: z.custom<ChatClient>(
      (value) => typeof value === 'object' && value !== null && typeof (value as ChatClient).sendMessage === 'function',
      { error: 'must be a ChatClient (createChatClient)' },
    ),
    concurrency: positiveInt('a number of jobs').optional(),
    limiter: z
      .object({ max: positiveInt('a number of jobs'), duration: positiveInt('a number of milliseconds') }, { error: 'must be { max, duration }' })
      .strict()
      .optional(),
    lockDuration: positiveInt('a number of milliseconds').optional(),
    stalledInterval: positiveInt('a number of milliseconds').optional(),
  })
  .strict();

/** True for a server's refusal to take more requests now (HTTP 429). */
function isRateLimited(error: unknown): error is AfilnetTransportError {
  return error instanceof AfilnetTransportError && error.code === 'RATE_LIMITED';
}

function recorded(error: unknown): { code: string; message: string } {
  const code: unknown = error instanceof Error ? (error as Error & { code?: unknown }).code : undefined;
  if (error instanceof Error && typeof code === 'string') return { code, message: error.message };
  // An error the SDK did not make may carry anything: only the fact is recorded.
  return { code: 'UNKNOWN', message: 'the send failed with an error the SDK did not classify' };
}

/**
 * Creates a worker that sends the queue's jobs through `client`. The outcome of each job:
 *
 * - sent: the job completes;
 * - a failure with `mayHaveBeenSent: false` is attempted again up to the queue's `attempts`, then
 *   ends `not-sent`; an API or validation error ends `not-sent` at once (the server refused it);
 * - a failure with `mayHaveBeenSent: true`, or any error the SDK did not classify, ends
 *   `needs-review` at once;
 * - a job that BullMQ reports stalled (its worker died or lost its lock while sending) ends
 *   `needs-review` when it is picked up again, without being sent;
 * - `RATE_LIMITED` (after the client's own retries) pauses every worker of the queue for `retryAfterMs` (1 s without one) and puts
 *   the job back, with no attempt used up.
 *
 * @returns BullMQ's worker (for its events, `pause`, `close`). `close()` leaves the client and a
 *   connection passed as a client open.
 * @throws {AfilnetValidationError} `INVALID_CONFIG` naming each bad option, never its value.
 * @see https://docs.bullmq.io/guide/rate-limiting
 * @see https://docs.bullmq.io/guide/jobs/stalled
 */
export function createSendWorker(options: SendWorkerOptions): Worker<SendJobData, void> {
  const settings = parseOptions(optionsSchema, options, 'send worker');
  const client = settings.client;

  const queueName = settings.queueName ?? DEFAULT_QUEUE_NAME;

  /**
   * Runs `send` in a CONSUMER span continuing the trace of the code that queued the job (or,
   * with BullMQ's own telemetry on, inside BullMQ's consumer span, which already continues it),
   * so that the client's call and HTTP spans join that trace. Without OpenTelemetry, just `send`.
   */
  const traced = async (job: Job<SendJobData, void>, send: () => Promise<void>): Promise<void> => {
    const api = await loadOpenTelemetryApi();
    if (api === null) return send();
    const active = api.context.active();
    const parent =
      api.trace.getSpan(active) === undefined && job.data.traceContext !== undefined
        ? api.propagation.extract(active, job.data.traceContext)
        : active;
    const tracer = api.trace.getTracer('@afilnet-chat/bullmq');
    const attributes = { 'messaging.system': 'bullmq', 'messaging.destination.name': queueName, 'afilnet.method': job.data.method };
    return tracer.startActiveSpan(`process ${queueName}`, { kind: api.SpanKind.CONSUMER, attributes }, parent, async (span) => {
      try {
        await send();
      } catch (error) {
        const code = (error as { code?: unknown } | null)?.code;
        span.setStatus({ code: api.SpanStatusCode.ERROR, message: typeof code === 'string' ? code : 'Error' });
        throw error;
      } finally {
        span.end();
      }
    });
  };

  const process = (job: Job<SendJobData, void>): Promise<void> => traced(job, () => sendJob(job));

  const sendJob = async (job: Job<SendJobData, void>): Promise<void> => {
    if (job.stalledCounter > 0) {
      throw new UnrecoverableError(
        failedReason('needs-review', { code: STALLED, message: 'a worker stopped while this send may have been written' }),
      );
    }
    try {
      if (job.data.method === 'sendmessage') await client.sendMessage(job.data.input);
      else await client.sendFile(job.data.input);
    } catch (error) {
      if (isRateLimited(error)) {
        await worker.rateLimit(error.retryAfterMs ?? DEFAULT_RATE_LIMIT_MS);
        throw Worker.RateLimitError();
      }
      if (error instanceof AfilnetTransportError && !error.mayHaveBeenSent) {
        // BullMQ attempts it again; after the last attempt this reason is the outcome.
        throw new Error(failedReason('not-sent', recorded(error)));
      }
      if (error instanceof AfilnetApiError || error instanceof AfilnetValidationError) {
        throw new UnrecoverableError(failedReason('not-sent', recorded(error)));
      }
      throw new UnrecoverableError(failedReason('needs-review', recorded(error)));
    }
  };

  const worker: Worker<SendJobData, void> = new Worker<SendJobData, void>(queueName, process, {
    connection: settings.connection,
    ...(settings.prefix === undefined ? {} : { prefix: settings.prefix }),
    ...(settings.telemetry === undefined ? {} : { telemetry: settings.telemetry }),
    concurrency: settings.concurrency ?? 16,
    limiter: settings.limiter ?? UNLIMITED,
    maxStalledCount: 1,
    ...(settings.lockDuration === undefined ? {} : { lockDuration: settings.lockDuration }),
    ...(settings.stalledInterval === undefined ? {} : { stalledInterval: settings.stalledInterval }),
  });
  return worker;
}
