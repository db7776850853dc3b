/**
 * An inbound message as a BullMQ job: its data, and its id derived from the message.
 */
import type { ChatMessage } from '@afilnet-chat/core';
import { conversationKey } from '@afilnet-chat/core/inbound';
import type { TraceCarrier } from './trace-context.js';

/** The default name of the queue of inbound messages. */
export const DEFAULT_INBOUND_QUEUE_NAME = 'afilnet-inbound';

/** The name of every inbound message job. */
export const INBOUND_JOB_NAME = 'message';

/** The data of an inbound message job. */
export interface InboundJobData {
  /** The message, as `getunreadmessages` (or a recovery's `getmessages`) gave it. */
  readonly message: ChatMessage;
  /** Its conversation's key (`conversationKey` of `@afilnet-chat/core/inbound`). */
  readonly conversation: string;
  /**
   * The id of the job of the message before it in its conversation, when that one was queued
   * and not yet finished: this job's handler runs only once that job has completed or failed
   * for good.
   */
  readonly previous?: string;
  /** The trace context of the poll that found it, which the worker's span continues. */
  readonly traceContext?: TraceCarrier;
}

/**
 * The job id of an inbound message: `in/platform/platformId/messageId`, each part
 * percent-encoded, so a message found twice is one job. The account is the queue's: one queue
 * listens to one account, so the id need not repeat it. Holds no `:` (BullMQ refuses it in a
 * custom id) and is never an integer. Throws nothing.
 */
export function inboundJobId(
  message: Pick<ChatMessage, 'platform' | 'platformId' | 'messageId'>,
): string {
  return `in/${encodeURIComponent(message.platform)}/${encodeURIComponent(message.platformId)}/${encodeURIComponent(message.messageId)}`;
}

/**
 * The data of the job of `message`, `previous` being the id of the job it must wait for and
 * `traceContext` that of the poll that found it.
 */
export function inboundJobData(
  message: ChatMessage,
  previous: string | undefined,
  traceContext?: TraceCarrier,
): InboundJobData {
  return {
    message,
    conversation: conversationKey(message),
    ...(previous === undefined ? {} : { previous }),
    ...(traceContext === undefined ? {} : { traceContext }),
  };
}
