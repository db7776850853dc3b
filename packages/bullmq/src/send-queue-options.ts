/**
 * Names the send queue and its workers share.
 */

/** The default BullMQ queue name of sends. */
export const DEFAULT_QUEUE_NAME = 'afilnet-sends';

/**
 * The queue listing the sends that need review, beside the send queue: one job per such send,
 * under the send's own job id, never processed. Remove a job from it once the send is settled.
 */
export function reviewQueueName(queueName: string): string {
  return `${queueName}-review`;
}
