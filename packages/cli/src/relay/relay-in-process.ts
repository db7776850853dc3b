/**
 * The relay in one process: polls the account with the inbound engine on a file checkpoint and
 * delivers each message it takes in, one conversation's messages in order, different
 * conversations concurrently.
 *
 * It is `watchInbound` made concurrent: the same poll step, checkpoint and acknowledgement, but a
 * message is acknowledged (removed from the checkpoint's pending list, and that recorded in its
 * journal) when its own delivery ends, whatever the order across conversations, so a receiver refusing one message
 * holds back only that conversation. A message is acknowledged only once the receiver answered
 * 2xx or its entry is on disk in the failed list; a process killed at any instant delivers again,
 * with the same `webhook-id`, what had not been acknowledged. A message's retry window runs from
 * its first attempt in any run: that instant is saved in the checkpoint with the message
 * (`firstAttemptAt`) when the first attempt fails, so a restarted relay continues the window.
 */
import { AfilnetTransportError, type ChannelRef } from '@afilnet-chat/core';
import {
  acknowledgeInbound,
  conversationKey,
  createInboundState,
  pollInbound,
  type InboundApi,
  type InboundCheckpoint,
  type InboundMessage,
  type InboundState,
  type InboundStateChanges,
} from '@afilnet-chat/core/inbound';
import { deliverWebhook } from './deliver-webhook.js';
import type { FailedDeliveries } from './failed-deliveries.js';
import type { WebhookTarget } from './post-webhook.js';
import type { RelayEvents } from './relay-events.js';
import { createLimiter, createSequencer } from './sequencer.js';
import { webhookBody, webhookId } from './webhook-event.js';

/** The most messages taken in and not yet delivered before polling pauses (the server keeps the rest). */
export const MAX_UNDELIVERED = 1_000;

/** How {@link runInProcessRelay} runs. */
export interface InProcessRelayOptions {
  readonly api: InboundApi;
  readonly checkpoint: InboundCheckpoint;
  readonly failed: FailedDeliveries;
  readonly target: WebhookTarget;
  /** The account, for the `webhook-id`s. */
  readonly account: string;
  /** The pause between the starts of two polls, in ms. */
  readonly intervalMs: number;
  /** The longest pause after failed polls, in ms. */
  readonly maxBackoffMs: number;
  /** How long a message is retried, in ms. */
  readonly retryWindowMs: number;
  /** How many attempts may be in flight at once. */
  readonly concurrency: number;
  readonly channels?: readonly ChannelRef[];
  readonly sweepIntervalMs?: number;
  /** Stops polling and starting attempts; the attempts in flight complete. */
  readonly stop: AbortSignal;
  /** Aborts the attempts in flight too. */
  readonly abort?: AbortSignal;
  readonly events?: RelayEvents;
}

/**
 * Runs the relay until `stop` fires, then waits for the attempts in flight, saves and releases
 * the checkpoint.
 *
 * @throws {AfilnetApiError} when a poll meets an API error it does not absorb (wrong password…),
 *   after the deliveries in flight ended and the checkpoint was saved.
 * @throws {AfilnetValidationError} `INVALID_CONFIG` when the checkpoint cannot be opened (not a
 *   checkpoint, or in use by a live relay or watch).
 */
export async function runInProcessRelay(options: InProcessRelayOptions): Promise<void> {
  const { api, checkpoint, failed, target, account, events } = options;
  const stopAll = new AbortController();
  const halt = () => stopAll.abort();
  if (options.stop.aborted) halt();
  options.stop.addEventListener('abort', halt, { once: true });

  const state: InboundState = (await checkpoint.open()) ?? createInboundState();
  const failedIds = new Set((await failed.list()).map((e) => e.webhookId));
  const sequencer = createSequencer();
  const limit = createLimiter(options.concurrency);
  // Messages handed to the sequencer and not yet removed from `state.pending`: a message stays
  // here until its acknowledgement has been applied to the state, so that it is never dispatched
  // twice.
  const dispatched = new Set<string>();
  const takenAt = new Map<string, number>();
  // Ends the loop's pause: set while it pauses. A delivery wakes it only when it waits for room
  // (MAX_UNDELIVERED reached), so that the loop does not turn once per delivered message.
  let wake: (() => void) | undefined;
  let waitingForRoom = false;
  let fatal: unknown;

  // One write to the checkpoint at a time: a save of the whole state, or an append of
  // acknowledgements to its journal when it has one (a few bytes, where a save rewrites every
  // conversation: over a megabyte at 10,000). What is asked for while one runs is merged into the
  // next write. Acknowledgements are applied to the state at the start of the write that records
  // them, all of them in one pass over the pending list (one pass per message made the
  // acknowledgements of a poll quadratic in its messages), so a save writes the state without
  // them. Each request resolves once a write begun after it has finished.
  const acknowledgeInJournal = checkpoint.acknowledge?.bind(checkpoint);
  let writing: Promise<void> | undefined;
  let saveWanted = false;
  // What the saves asked for since the last one changed: the conversations a poll names, or
  // 'whole' once a save that names none was asked for (the checkpoint then compares everything).
  let unsaved: Set<string> | 'whole' = new Set();
  let acknowledged: string[] = [];
  const write = async (): Promise<void> => {
    try {
      while (saveWanted || acknowledged.length > 0) {
        const ids = acknowledged;
        acknowledged = [];
        if (ids.length > 0) {
          acknowledgeInbound(state, ids);
          for (const id of ids) {
            dispatched.delete(id);
            takenAt.delete(id);
          }
          if (waitingForRoom && dispatched.size < MAX_UNDELIVERED) wake?.();
        }
        if (saveWanted || acknowledgeInJournal === undefined) {
          saveWanted = false;
          const changed = unsaved;
          unsaved = new Set();
          await checkpoint.save(
            state,
            changed === 'whole' ? undefined : { conversations: changed },
          );
        } else {
          await acknowledgeInJournal(ids);
        }
      }
    } finally {
      writing = undefined;
    }
  };
  const save = (changes?: InboundStateChanges): Promise<void> => {
    if (changes === undefined) unsaved = 'whole';
    else if (unsaved !== 'whole') for (const key of changes.conversations) unsaved.add(key);
    saveWanted = true;
    writing ??= write();
    return writing;
  };
  /** Removes a delivered (or failed) message from the state and makes that durable. */
  const acknowledge = (messageId: string): Promise<void> => {
    acknowledged.push(messageId);
    writing ??= write();
    return writing;
  };

  const deliver = async (message: InboundMessage): Promise<void> => {
    if (stopAll.signal.aborted) return;
    const id = webhookId(account, message);
    const started = takenAt.get(message.messageId) ?? Date.now();
    const windowStart = state.firstAttemptAt?.[message.messageId] ?? Date.now();
    const result = await deliverWebhook(target, id, webhookBody(message, started), {
      windowStart,
      windowMs: options.retryWindowMs,
      stop: stopAll.signal,
      ...(options.abort === undefined ? {} : { abort: options.abort }),
      schedule: limit,
      onRetry: async (failure, delayMs) => {
        if (state.firstAttemptAt?.[message.messageId] === undefined) {
          // Only a message that is retried needs its window kept: one save per such message.
          (state.firstAttemptAt ??= {})[message.messageId] = windowStart;
          await save();
        }
        events?.retrying?.(message, id, failure, delayMs);
      },
    });
    if (result.outcome === 'stopped') return;
    if (result.outcome === 'failed') {
      await failed.add({
        webhookId: id,
        failedAt: new Date().toISOString(),
        attempts: result.attempts,
        reason: result.reason,
        message,
      });
      failedIds.add(id);
    } else if (failedIds.has(id)) {
      // Failed before, then re-queued (or its acknowledgement was lost in a kill): no longer failed.
      await failed.remove([id]);
      failedIds.delete(id);
    }
    await acknowledge(message.messageId);
    if (result.outcome === 'failed') events?.failed?.(message, id, result.attempts, result.reason);
    else events?.delivered?.(message, id, result.attempts, Date.now() - started);
  };

  /** Hands each of `messages` not yet dispatched to its conversation's queue, in their order. */
  const dispatch = (messages: readonly InboundMessage[]) => {
    for (const message of messages) {
      if (dispatched.has(message.messageId)) continue;
      dispatched.add(message.messageId);
      if (!takenAt.has(message.messageId)) takenAt.set(message.messageId, Date.now());
      sequencer
        .run(conversationKey(message), () => deliver(message))
        .catch((error: unknown) => {
          // Saving failed (disk full, file removed): stop, as the state can no longer be kept.
          fatal ??= error;
          halt();
        });
    }
  };
  // Wakes the loop's pause at once when the relay stops.
  const wakeOnStop = () => wake?.();
  stopAll.signal.addEventListener('abort', wakeOnStop, { once: true });

  let failures = 0;
  let nextPollAt = 0;
  // What the checkpoint held; afterwards only what each poll takes in is new to `state.pending`
  // (a failed poll may have taken some in before failing: the whole list is looked at then).
  dispatch(state.pending);
  try {
    while (!stopAll.signal.aborted) {
      const now = Date.now();
      if (dispatched.size < MAX_UNDELIVERED && now >= nextPollAt) {
        try {
          const polled = await pollInbound(state, api, {
            save: (_state, changes) => save(changes),
            signal: stopAll.signal,
            ...(options.sweepIntervalMs === undefined
              ? {}
              : { sweepIntervalMs: options.sweepIntervalMs }),
            ...(options.channels === undefined ? {} : { channels: options.channels }),
          });
          failures = 0;
          nextPollAt = now + options.intervalMs;
          dispatch(polled.messages);
        } catch (error) {
          if (stopAll.signal.aborted) break;
          dispatch(state.pending);
          if (!(error instanceof AfilnetTransportError)) {
            fatal ??= error;
            break;
          }
          const delayMs = Math.min(options.maxBackoffMs, options.intervalMs * 2 ** failures);
          failures += 1;
          nextPollAt = Date.now() + delayMs;
          events?.pollRetrying?.(error, delayMs);
        }
        continue;
      }
      // Until the next poll is due, or (when full) a delivery frees room, or the relay stops:
      // one timer per pause, none while full.
      let timer: NodeJS.Timeout | undefined;
      waitingForRoom = dispatched.size >= MAX_UNDELIVERED;
      await new Promise<void>((resolve) => {
        wake = resolve;
        if (!waitingForRoom) timer = setTimeout(resolve, Math.max(0, nextPollAt - Date.now()));
      });
      clearTimeout(timer);
      wake = undefined;
      waitingForRoom = false;
    }
  } finally {
    halt();
    options.stop.removeEventListener('abort', halt);
    stopAll.signal.removeEventListener('abort', wakeOnStop);
    // Attempts in flight complete; queued ones and pauses end at once.
    await sequencer.idle();
    try {
      await save();
    } finally {
      await checkpoint.close();
    }
  }
  if (fatal !== undefined) throw fatal;
}
