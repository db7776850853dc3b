/**
 * The options of the queue and the worker, checked when they are created: every bad option is
 * one `INVALID_CONFIG` issue naming it.
 */
import { AfilnetValidationError } from '@afilnet-chat/core';
import { toValidationIssues } from '@afilnet-chat/core/transport';
import type { ConnectionOptions, Telemetry } from 'bullmq';
import { z } from 'zod';

/** The default BullMQ queue name. */
export const DEFAULT_QUEUE_NAME = 'afilnet-sends';

/** What both the queue and the worker take. */
export interface QueueConnectionOptions {
  /**
   * BullMQ's connection: ioredis options, or an ioredis client (for a worker, created with
   * `maxRetriesPerRequest: null`, as BullMQ requires). A client you pass is never closed for you.
   */
  readonly connection: ConnectionOptions;
  /** The BullMQ queue name (`afilnet-sends`); the queue and its workers must agree. */
  readonly queueName?: string;
  /** BullMQ's key prefix (BullMQ's default, `bull`, when left out). */
  readonly prefix?: string;
  /**
   * BullMQ's own telemetry (e.g. `new BullMQOtel('afilnet')` of `bullmq-otel`), passed to the
   * queue or worker as is: its producer and consumer spans then join the send's trace.
   *
   * @see https://docs.bullmq.io/guide/telemetry
   */
  readonly telemetry?: Telemetry;
}

const positiveInt = (what: string) => z.number({ error: `must be ${what}` }).int(`must be a whole number`).positive('must be positive');

/** The shape shared by both option sets. */
export const connectionShape = {
  connection: z.custom<ConnectionOptions>((value) => typeof value === 'object' && value !== null, {
    error: 'must be ioredis options or an ioredis client',
  }),
  queueName: z.string({ error: 'must be a string' }).min(1, 'must not be empty').optional(),
  prefix: z.string({ error: 'must be a string' }).min(1, 'must not be empty').optional(),
  telemetry: z
    .custom<Telemetry>((value) => typeof value === 'object' && value !== null && 'tracer' in value, {
      error: 'must be a BullMQ Telemetry (e.g. bullmq-otel)',
    })
    .optional(),
};

export { positiveInt };

/**
 * Parses `options` with `schema`.
 *
 * @throws {AfilnetValidationError} `INVALID_CONFIG` naming every bad option, never its value.
 */
export function parseOptions<T>(schema: z.ZodType<T>, options: unknown, what: string): T {
  const parsed = schema.safeParse(options ?? {});
  if (!parsed.success) {
    throw new AfilnetValidationError('INVALID_CONFIG', `Invalid ${what} options`, { issues: toValidationIssues(parsed.error.issues) });
  }
  return parsed.data;
}
