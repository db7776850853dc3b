/**
 * Listening to a whole account in one process: an async iterator over {@link pollInbound}, with
 * acknowledgement by asking for the next message, and the state in an {@link InboundCheckpoint}.
 */
import { abortableDelay } from '../retry/abortable-delay.js';
import type { ChannelRef } from '../wire/chat-types.js';
import { AfilnetTransportError } from '../errors/errors.js';
import {
  DEFAULT_WATCH_INTERVAL_MS,
  DEFAULT_WATCH_MAX_BACKOFF_MS,
} from '../client/watch-unread-messages.js';
import {
  createMemoryCheckpoint,
  type InboundCheckpoint,
  type InboundStateChanges,
} from './inbound-checkpoint.js';
import {
  acknowledgeInbound,
  createInboundState,
  type InboundMessage,
  type InboundState,
} from './inbound-state.js';
import { DEFAULT_SWEEP_INTERVAL_MS, pollInbound, type InboundApi } from './poll-inbound.js';

/** Input of `watchInbound`. */
export interface WatchInboundInput {
  /** The pause between the starts of two polls, in ms (default 5,000). */
  intervalMs?: number;
  /** The channels to watch (default: every channel of the account, re-read at most once a minute). */
  channels?: readonly ChannelRef[];
  /** Where the state lives (default: in memory, a fresh one per watch). */
  checkpoint?: InboundCheckpoint;
  /**
   * Every this many ms, every known conversation is read too, whatever `getchats` says: the
   * safety sweep, spread over the polls of the interval (default 600,000; 0: never).
   */
  sweepIntervalMs?: number;
  /** Ends the iteration, as `return()` does. */
  signal?: AbortSignal;
  /** The longest pause after transport errors, in ms (default 60,000, never below `intervalMs`). */
  maxBackoffMs?: number;
  /** Told of each transport error the watch rides out, and how long it waits before the next poll. */
  onRetry?: (error: AfilnetTransportError, delayMs: number) => void;
}

/**
 * The iterator `watchInbound` returns: inbound messages (`sent: false`) of the watched channels,
 * whose `platform`, `platformId` and `destination` answer them through `sendMessage` as they are.
 */
export interface InboundWatch extends AsyncIterableIterator<InboundMessage> {
  /**
   * Ends the watch without acknowledging the message last yielded; resolves once the state is
   * saved and the checkpoint released. A `break` out of `for await` calls it.
   */
  return(): Promise<IteratorResult<InboundMessage>>;
}

function nonNegative(
  value: number | undefined,
  fallback: number,
  name: string,
  allowZero: boolean,
): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw new RangeError(
      `${name} must be a ${allowZero ? 'non-negative' : 'positive'} number of milliseconds`,
    );
  }
  return value;
}

/**
 * Yields every inbound message of the watched channels, one conversation's messages oldest first,
 * conversations that begin after the start included.
 *
 * - Acknowledgement: a message is acknowledged when the loop asks for the next one, and that
 *   acknowledgement is saved before the next message is yielded. `return()` (a `break`, an
 *   exception in the loop body, `signal`, the client's `close()`) does not acknowledge the last
 *   message yielded; once it has resolved, the state is saved and the checkpoint released.
 * - With a durable checkpoint, a process killed at any instant loses nothing: the next watch on
 *   it yields first the messages not acknowledged, and yields again only a message whose
 *   acknowledgement had not been saved (at least once: handlers should be idempotent on
 *   `messageId`). The file checkpoint flushes acknowledgements to the disk within a second, so
 *   after a machine crash the messages acknowledged in that second are yielded again too.
 * - It polls only when every message taken in has been acknowledged, at most once per
 *   `intervalMs`. A poll costs one `getchats` per channel plus one `getunreadmessages` per
 *   conversation whose latest message changed (see {@link pollInbound}).
 * - Transport errors are ridden out, the pause doubling from `intervalMs` up to `maxBackoffMs`;
 *   API errors end the iteration (rejecting `next()`), except those the poll absorbs
 *   (`CHANNEL_NOT_FOUND` on a channel it found itself, `CHAT_NOT_FOUND`). A checkpoint that
 *   cannot be opened rejects the first `next()` with its `AfilnetValidationError`.
 *
 * @param api the calls to make (the client's, whose `getunreadmessages` is never retried after
 *   it may have reached the server).
 * @param closed fires on the client's `close()`: ends the watch at once.
 * @throws {RangeError} at once, for an `intervalMs`, `maxBackoffMs` or `sweepIntervalMs` out of range.
 * @see docs/inbound.md
 */
export function watchInbound(
  api: InboundApi,
  input: WatchInboundInput = {},
  closed?: AbortSignal,
): InboundWatch {
  const intervalMs = nonNegative(input.intervalMs, DEFAULT_WATCH_INTERVAL_MS, 'intervalMs', false);
  const maxBackoffMs = Math.max(
    intervalMs,
    nonNegative(input.maxBackoffMs, DEFAULT_WATCH_MAX_BACKOFF_MS, 'maxBackoffMs', false),
  );
  const sweepIntervalMs = nonNegative(
    input.sweepIntervalMs,
    DEFAULT_SWEEP_INTERVAL_MS,
    'sweepIntervalMs',
    true,
  );
  const checkpoint = input.checkpoint ?? createMemoryCheckpoint();
  const channels = input.channels?.map((c) => ({ platform: c.platform, platformId: c.platformId }));
  const { signal: outerSignal, onRetry } = input;

  // One controller stops everything: the caller's abort, `return()` and the client's close().
  const stop = new AbortController();
  const end = () => {
    if (!stop.signal.aborted) stop.abort();
  };
  if (outerSignal?.aborted || closed?.aborted) end();
  outerSignal?.addEventListener('abort', end, { once: true });
  closed?.addEventListener('abort', end, { once: true });

  let state: InboundState | undefined;
  let opening: Promise<void> | undefined;
  let yielded: string | undefined;
  let failures = 0;
  let nextPollAt = 0;
  let finished: Promise<void> | undefined;
  // Saves are serialised: the poll's own saves are awaited inside it, the others go through here.
  let saving: Promise<void> = Promise.resolve();
  const serialise = (write: () => Promise<void>) => {
    const run = saving.then(write);
    saving = run.catch(() => undefined);
    return run;
  };
  // A poll's saves tell the checkpoint which conversations changed; the others compare it whole.
  const save = (s: InboundState, changes?: InboundStateChanges) =>
    serialise(() => checkpoint.save(s, changes));
  // An acknowledgement costs the checkpoint a few bytes when it can record one alone, rather
  // than the whole state (over a megabyte at 10,000 conversations).
  const acknowledge = checkpoint.acknowledge?.bind(checkpoint);
  const saveAcknowledgement = (s: InboundState, messageId: string) =>
    acknowledge === undefined ? save(s) : serialise(() => acknowledge([messageId]));
  // `next()` calls are served one after another, so concurrent callers never poll twice at once.
  let queue: Promise<unknown> = Promise.resolve();

  /** Saves what is known and releases the checkpoint, once. */
  const finish = (): Promise<void> => {
    finished ??= (async () => {
      end();
      outerSignal?.removeEventListener('abort', end);
      closed?.removeEventListener('abort', end);
      if (opening === undefined) return;
      await opening.catch(() => undefined);
      try {
        if (state !== undefined) await save(state);
      } finally {
        await checkpoint.close();
      }
    })();
    return finished;
  };

  async function produce(): Promise<IteratorResult<InboundMessage>> {
    if (stop.signal.aborted) {
      await finish();
      return { done: true, value: undefined };
    }
    opening ??= checkpoint.open().then((saved) => {
      state = saved ?? createInboundState();
    });
    try {
      await opening;
    } catch (error) {
      opening = undefined;
      await finish();
      throw error;
    }
    const current = state as InboundState;
    if (yielded !== undefined) {
      const acknowledged = yielded;
      acknowledgeInbound(current, [acknowledged]);
      yielded = undefined;
      await saveAcknowledgement(current, acknowledged);
    }
    for (;;) {
      if (stop.signal.aborted) {
        await finish();
        return { done: true, value: undefined };
      }
      const head = current.pending[0];
      if (head !== undefined) {
        yielded = head.messageId;
        return { done: false, value: head };
      }
      await abortableDelay(nextPollAt - Date.now(), stop.signal);
      if (stop.signal.aborted) continue;
      const startedAt = Date.now();
      try {
        await pollInbound(current, api, {
          save,
          sweepIntervalMs,
          signal: stop.signal,
          ...(channels === undefined ? {} : { channels }),
        });
        failures = 0;
        nextPollAt = startedAt + intervalMs;
      } catch (error) {
        if (stop.signal.aborted) continue;
        if (!(error instanceof AfilnetTransportError)) {
          await finish();
          throw error;
        }
        const delayMs = Math.min(maxBackoffMs, intervalMs * 2 ** failures);
        failures += 1;
        nextPollAt = Date.now() + delayMs;
        onRetry?.(error, delayMs);
      }
    }
  }

  const watch: InboundWatch = {
    next() {
      const result = queue.then(produce);
      queue = result.catch(() => undefined);
      return result;
    },
    async return() {
      end();
      // A `next()` in flight ends first (its poll is aborted), then the state is saved.
      await queue;
      await finish();
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]() {
      return watch;
    },
  };
  return watch;
}
