/**
 * `@afilnet-chat/bullmq`: bulk sending through the Afilnet Web Chat API on BullMQ (docs/fleet.md),
 * with idempotency keys, a global rate limit, and no message lost or sent twice.
 */
export {
  createSendQueue,
  type EnqueueOptions,
  type ReviewItem,
  type SendQueue,
  type SendQueueOptions,
} from './create-send-queue.js';
export { createSendWorker, DEFAULT_RATE_LIMIT_MS, type SendWorkerOptions } from './create-send-worker.js';
export { jobIdOf, type SendJobData } from './send-job.js';
export { STALLED, type RecordedError, type SendOutcome } from './send-outcome.js';
export { DEFAULT_QUEUE_NAME, type QueueConnectionOptions } from './send-queue-options.js';
