/**
 * `@afilnet-chat/bullmq`: the Afilnet Web Chat API on BullMQ. Bulk sending with idempotency
 * keys, a global rate limit and outcomes; receiving every inbound message of the account across
 * processes, one conversation at a time. docs/fleet.md explains both.
 */
export {
  createSendQueue,
  SendQueue,
  type EnqueueOptions,
  type ReviewItem,
  type ReviewJobData,
  type SendQueueOptions,
} from './create-send-queue.js';
export {
  createSendWorker,
  DEFAULT_RATE_LIMIT_MS,
  type SendWorkerOptions,
} from './create-send-worker.js';
export { jobIdOf, type SendJobData } from './send-job.js';
export { STALLED, type RecordedError, type SendOutcome, type SendResult } from './send-outcome.js';
export { DEFAULT_QUEUE_NAME, reviewQueueName } from './send-queue-options.js';
export {
  createInboundPoller,
  DEFAULT_INBOUND_INTERVAL_MS,
  DEFAULT_RECHECK_MS,
  type InboundPoller,
  type InboundPollerOptions,
  type InboundPollReport,
} from './create-inbound-poller.js';
export {
  createInboundWorker,
  type InboundHandler,
  type InboundWorkerOptions,
} from './create-inbound-worker.js';
export { DEFAULT_INBOUND_QUEUE_NAME, inboundJobId, type InboundJobData } from './inbound-job.js';
export type { TraceCarrier } from './trace-context.js';
