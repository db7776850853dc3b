/**
 * Watching a conversation for replies: an async iterator over `getunreadmessages` polls.
 *
 * `getunreadmessages` marks on the server what it returns, so a message the client has fetched
 * exists nowhere else: the iterator polls only when its buffer is empty and a consumer is
 * waiting, never ahead of demand, and keeps what it fetched until it is yielded or handed back by
 * {@link UnreadMessagesWatch.takeUndelivered}.
 */
import { abortableDelay } from '../retry/abortable-delay.js';
import type { CallOptions, ChatMessage, ConversationRef } from '../wire/chat-types.js';
import { AfilnetTransportError } from '../errors/errors.js';

/** Input of `watchUnreadMessages`: the conversation, and how to poll it. */
export interface WatchUnreadMessagesInput extends ConversationRef {
  /** The pause between two polls that found nothing, in ms (default 5,000). */
  intervalMs?: number;
  /** Ends the iteration; a poll in flight is abandoned and the iterator just ends. */
  signal?: AbortSignal;
  /** The longest pause after transport errors, in ms (default 60,000, never below `intervalMs`). */
  maxBackoffMs?: number;
  /** Told of each transport error the watch rides out, and how long it waits before the next poll. */
  onRetry?: (error: AfilnetTransportError, delayMs: number) => void;
}

/** The iterator `watchUnreadMessages` returns. */
export interface UnreadMessagesWatch extends AsyncIterableIterator<ChatMessage> {
  /**
   * Messages fetched from the server but not yet yielded, removed from the buffer. After a
   * `for await` loop is left with `break` in the middle of a batch, these are the rest of it:
   * the server has already marked them read, so this is the only copy.
   */
  takeUndelivered(): ChatMessage[];
}

/** The default pause between polls. */
export const DEFAULT_WATCH_INTERVAL_MS = 5_000;
/** The default cap of the pause after transport errors. */
export const DEFAULT_WATCH_MAX_BACKOFF_MS = 60_000;
/** How many message ids are remembered to yield each message once. */
const SEEN_IDS_LIMIT = 10_000;

type FetchUnread = (input: ConversationRef, options: CallOptions) => Promise<ChatMessage[]>;

function positiveOrDefault(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0)
    throw new RangeError(`${name} must be a positive number of milliseconds`);
  return value;
}

/**
 * Polls `fetchUnread` for a conversation and yields each new message once, oldest first.
 *
 * - Polls when the consumer asks for a message and none is buffered; after a poll that found
 *   nothing it waits `intervalMs`.
 * - On an `AfilnetTransportError` (network, timeout, HTTP status…) it waits and polls again,
 *   the pause doubling from `intervalMs` up to `maxBackoffMs`; a successful poll resets it.
 * - API and validation errors (wrong password, unknown channel or chat) are not transient: the
 *   iterator rejects with them and ends.
 * - Abort (`signal`) or `return()` ends it: a poll in flight is abandoned without an unhandled
 *   rejection. After an abort, messages already fetched are still yielded, then it ends; after
 *   `return()`, they stay available from `takeUndelivered()`.
 * - `closed` (the client's `close()`) ends it as `return()` does, at once, whether it
 *   is polling or waiting: pending and later `next()` calls resolve `{ done: true }`, and what
 *   it fetched stays available from `takeUndelivered()`.
 *
 * @throws {RangeError} at once, for an `intervalMs` or `maxBackoffMs` that is not a positive number.
 */
export function watchUnreadMessages(
  fetchUnread: FetchUnread,
  input: WatchUnreadMessagesInput,
  closed?: AbortSignal,
): UnreadMessagesWatch {
  const {
    intervalMs: interval,
    signal: outerSignal,
    maxBackoffMs: maxBackoff,
    onRetry,
    ...conversation
  } = input;
  const intervalMs = positiveOrDefault(interval, DEFAULT_WATCH_INTERVAL_MS, 'intervalMs');
  const maxBackoffMs = Math.max(
    intervalMs,
    positiveOrDefault(maxBackoff, DEFAULT_WATCH_MAX_BACKOFF_MS, 'maxBackoffMs'),
  );

  // One controller stops everything: the caller's abort and `return()` both fire it.
  const stop = new AbortController();
  const forwardAbort = () => stop.abort(outerSignal?.reason);
  if (outerSignal?.aborted) stop.abort(outerSignal.reason);
  else outerSignal?.addEventListener('abort', forwardAbort, { once: true });

  const buffer: ChatMessage[] = [];
  const seen = new Set<string>();
  let returned = false;
  let failed = false;
  let failures = 0;
  // `next()` calls are served one after another, so concurrent callers never poll twice at once.
  let queue: Promise<unknown> = Promise.resolve();

  const finish = () => {
    outerSignal?.removeEventListener('abort', forwardAbort);
    closed?.removeEventListener('abort', end);
    if (!stop.signal.aborted) stop.abort();
  };
  const end = () => {
    returned = true;
    finish();
  };
  if (closed?.aborted) end();
  else closed?.addEventListener('abort', end, { once: true });

  const remember = (messages: readonly ChatMessage[]) => {
    for (const message of messages) {
      if (seen.has(message.messageId)) continue;
      seen.add(message.messageId);
      if (seen.size > SEEN_IDS_LIMIT) seen.delete(seen.values().next().value as string);
      buffer.push(message);
    }
  };

  async function produce(): Promise<IteratorResult<ChatMessage>> {
    for (;;) {
      const ready = buffer.shift();
      if (ready !== undefined && !returned) return { done: false, value: ready };
      if (ready !== undefined) buffer.unshift(ready);
      if (returned || failed || stop.signal.aborted) {
        finish();
        return { done: true, value: undefined };
      }
      let delay = intervalMs;
      try {
        const messages = await fetchUnread(conversation, { signal: stop.signal });
        failures = 0;
        remember(messages);
        if (buffer.length > 0) continue;
      } catch (error) {
        if (stop.signal.aborted) continue;
        if (!(error instanceof AfilnetTransportError)) {
          failed = true;
          finish();
          throw error;
        }
        delay = Math.min(maxBackoffMs, intervalMs * 2 ** failures);
        failures += 1;
        onRetry?.(error, delay);
      }
      await abortableDelay(delay, stop.signal);
    }
  }

  const watch: UnreadMessagesWatch = {
    next() {
      const result = queue.then(produce);
      queue = result.catch(() => undefined);
      return result;
    },
    return() {
      end();
      return Promise.resolve({ done: true, value: undefined });
    },
    takeUndelivered() {
      return buffer.splice(0, buffer.length);
    },
    [Symbol.asyncIterator]() {
      return watch;
    },
  };
  return watch;
}
