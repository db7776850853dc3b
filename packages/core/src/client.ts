/**
 * The public client (SPEC §4): validate → transport (encode, authenticate, send) → decode, with
 * the deadline, error mapping and redaction around it.
 */
import { AfilnetError, AfilnetTransportError } from './errors.js';
import type {
  CallOptions,
  ChannelRef,
  ChatChannel,
  ChatMessage,
  ConversationRef,
  SendFileInput,
  SendMessageInput,
} from './chat-types.js';
import type { AbortHook } from './abort-hook.js';
import { createDeadlineClock, type CallDeadline } from './call-deadline.js';
import { resolveConfig, type ChatClientConfig, type ResolvedConfig } from './config-schema.js';
import { decodeResponse, type MethodResults } from './decode-response.js';
import { createExecutor } from './http/create-executor.js';
import type { HttpExecutor } from './http/http-executor.js';
import { sanitizeCause } from './http/network-error.js';
import { toWireRequest } from './input-schemas.js';
import { loadTransport } from './load-transport.js';
import { CHAT_METHODS, type ChatMethod } from './methods.js';
import { createRedactor, type Redactor } from './redact.js';
import type { SecurityRating } from './security.js';
import type { ChatTransport, TransportCallContext, WireRequest } from './transport.js';
import { abortableDelay } from './abortable-delay.js';
import { debugLog } from './debug-log.js';
import { notify } from './diagnostics.js';
import { instrumentExecutor } from './http/instrumented-executor.js';
import { createRetryBudget } from './retry-budget.js';
import { backoffDelay, isRetryable } from './retry-policy.js';
import { watchUnreadMessages, type UnreadMessagesWatch, type WatchUnreadMessagesInput } from './watch-unread-messages.js';
import { watchInbound, type InboundWatch, type WatchInboundInput } from './inbound/index.js';

/** The client of the Web Chat API. */
export interface ChatClient {
  /** The transport's name, e.g. `soap`. */
  readonly transportName: string;
  /** The transport's security rating. */
  readonly security: SecurityRating;
  /** Lists the account's chat channels (`getchatchannels`). */
  getChatChannels(options?: CallOptions): Promise<ChatChannel[]>;
  /** Sends a text message (`sendmessage`). */
  sendMessage(input: SendMessageInput, options?: CallOptions): Promise<void>;
  /** Sends a file by URL (`sendfile`); the conversation must exist. */
  sendFile(input: SendFileInput, options?: CallOptions): Promise<void>;
  /** The latest message of each conversation of a channel (`getchats`). */
  getChats(input: ChannelRef, options?: CallOptions): Promise<ChatMessage[]>;
  /** Every message of a conversation (`getmessages`). */
  getMessages(input: ConversationRef, options?: CallOptions): Promise<ChatMessage[]>;
  /** The unread inbound messages of a conversation, which the server then marks read (`getunreadmessages`). */
  getUnreadMessages(input: ConversationRef, options?: CallOptions): Promise<ChatMessage[]>;
  /**
   * Polls `getunreadmessages` and yields each new message once, backing off on transport errors
   * and ending on abort, `return()` or the client's `close()` (see `watchUnreadMessages`).
   * Rejects with API and validation errors.
   */
  watchUnreadMessages(input: WatchUnreadMessagesInput): UnreadMessagesWatch;
  /**
   * Yields every inbound message of the account's channels (or of `channels`), new
   * conversations included, one conversation's messages oldest first; a message is acknowledged
   * when the loop asks for the next one. With `createFileCheckpoint`, a process killed at any
   * instant loses nothing (at least once, by `messageId`). Ends on abort, `return()` or the
   * client's `close()`; rejects with API errors and a checkpoint that cannot be opened.
   *
   * @throws {RangeError} at once, for an interval out of range.
   * @see docs/inbound.md
   */
  watchInbound(input?: WatchInboundInput): InboundWatch;
  /**
   * Ends the client (SPEC §10): every active `watchUnreadMessages` and `watchInbound` finishes at once (what it
   * fetched stays in `takeUndelivered()`), calls in flight finish or fail within their own
   * deadline, then the transport and the connection pool are closed and the promise resolves.
   * Calls made afterwards fail with `ABORTED` and are not sent.
   */
  close(): Promise<void>;
}

/**
 * Settles with `promise`, or rejects soon after `abort` fires, so that no call outlives its
 * deadline even if a transport ignores the signal. The transport's own settlement is always
 * observed, so a late rejection is never unhandled.
 *
 * Once the abort has fired the call fails, even if an answer lands in the same turn. But a
 * transport that honours the abort rejects within that turn, and its error knows more than
 * `onAbort()` can (a token request that stalled means the API request was never written:
 * `mayHaveBeenSent` false), so it is given until the next macrotask to speak first.
 */
function untilAborted<T>(promise: Promise<T>, abort: AbortHook, onAbort: () => unknown): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let aborted = false;
    const stop = () => {
      aborted = true;
      setImmediate(() => reject(onAbort()));
    };
    abort.onAbort(stop);
    promise.then(
      (value) => {
        abort.offAbort(stop);
        if (!aborted) resolve(value);
      },
      (error: unknown) => {
        abort.offAbort(stop);
        reject(error);
      },
    );
  });
}

/**
 * What a transport is handed for one attempt. Its `signal` is the deadline's, made only if
 * something reads it; the built-in transports pass the context itself to the executor, which
 * listens through `abort` instead.
 */
class CallContext implements TransportCallContext {
  constructor(
    readonly http: HttpExecutor,
    readonly abort: CallDeadline,
    readonly registerSecret: (secret: string) => void,
  ) {}

  get signal(): AbortSignal {
    return this.abort.signal;
  }
}

/**
 * The error a call ends with: `TIMEOUT` only when the deadline ended it, its cause the last
 * failure the deadline did not itself cause (`earlier`, none if there was none); otherwise the
 * failure itself. `mayHaveBeenSent` false for read methods, foreign errors wrapped, secrets
 * redacted.
 */
function finalizeError(error: unknown, earlier: unknown, method: ChatMethod, deadline: CallDeadline, redactor: Redactor): unknown {
  const isSend = CHAT_METHODS[method].isSend;
  let result: unknown = error;
  if (deadline.timedOut) {
    const mayHaveBeenSent = error instanceof AfilnetTransportError ? error.mayHaveBeenSent : isSend;
    result = new AfilnetTransportError('TIMEOUT', `The call to ${method} did not finish within its deadline (timeoutMs)`, {
      mayHaveBeenSent: isSend && mayHaveBeenSent,
      ...(earlier === undefined ? {} : { cause: earlier instanceof AfilnetError ? earlier : sanitizeCause(earlier) }),
    });
  } else if (error instanceof AfilnetTransportError) {
    if (!isSend && error.mayHaveBeenSent) result = error.with({ mayHaveBeenSent: false });
  } else if (!(error instanceof AfilnetError)) {
    result = new AfilnetTransportError(
      deadline.aborted ? 'ABORTED' : 'NETWORK',
      deadline.aborted ? `The call to ${method} was aborted` : `The transport failed during ${method}`,
      { mayHaveBeenSent: isSend, cause: sanitizeCause(error) },
    );
  }
  return redactor.error(result);
}

/**
 * Creates a client.
 *
 * @throws {AfilnetValidationError} `INVALID_CONFIG`, `INSECURE_URL` or `SECURITY_BELOW_MINIMUM`
 *   (see `resolveConfig`). `TRANSPORT_NOT_INSTALLED` comes from the first call, since loading a
 *   transport package is asynchronous.
 */
export function createChatClient(config: ChatClientConfig): ChatClient {
  const resolved: ResolvedConfig = resolveConfig(config);
  const redactor = createRedactor(
    resolved.secrets,
    resolved.factoryOptions.credentials
      ? [[resolved.factoryOptions.credentials.user, resolved.factoryOptions.credentials.password]]
      : [],
  );
  const executor: HttpExecutor = createExecutor(resolved);
  const name = typeof resolved.transport === 'string' ? resolved.transport : resolved.transport.name;
  const adopt = (chosen: ChatTransport): ChatTransport => {
    for (const secret of chosen.secrets ?? []) redactor.add(secret);
    return chosen;
  };
  let transport: Promise<ChatTransport> | undefined =
    typeof resolved.transport === 'string' ? undefined : Promise.resolve(adopt(resolved.transport));
  // Fires on close(): ends every watch at once, and refuses new calls. Calls in flight are not
  // aborted: `closed` (what close() returns) settles once they have.
  const closing = new AbortController();
  let closed: Promise<void> = Promise.resolve();
  // Calls in flight, counted rather than collected: no promise, set entry or closure per call.
  let inFlight = 0;
  let executorReady = false;
  let onIdle: (() => void) | undefined;

  const getTransport = (): Promise<ChatTransport> => {
    if (transport === undefined) {
      const loading = loadTransport(resolved.transport as Exclude<typeof resolved.transport, ChatTransport>, resolved.factoryOptions).then(adopt);
      // A failed load is retried by the next call (the package may be installed meanwhile).
      loading.catch(() => {
        if (transport === loading) transport = undefined;
      });
      transport = loading;
    }
    return transport;
  };

  const hooks = resolved.hooks;
  const debug = debugLog();
  const instrumented = hooks.onRequest !== undefined || hooks.onResponse !== undefined || debug !== undefined;
  const budget = createRetryBudget(resolved.retry.budgetRatio);
  const clock = createDeadlineClock();

  /** One attempt: the transport's exchange, decoded, bounded by the call's signal. */
  async function attempt<M extends ChatMethod>(
    chosen: ChatTransport,
    method: M,
    request: WireRequest,
    deadline: CallDeadline,
    number: number,
  ): Promise<MethodResults[M]> {
    const http = instrumented
      ? instrumentExecutor(executor, { hooks, redactor, debug, transport: chosen.name, method, attempt: number })
      : executor;
    const stopped = () =>
      new AfilnetTransportError('ABORTED', `The call to ${method} was aborted`, {
        mayHaveBeenSent: CHAT_METHODS[method].isSend,
      });
    const response = await untilAborted(chosen.send(request, new CallContext(http, deadline, redactor.add)), deadline, stopped);
    return decodeResponse(method, response);
  }

  /** Runs a call, counted in flight until it settles so that `close()` can wait for it. */
  async function call<M extends ChatMethod>(method: M, input: unknown, options: CallOptions = {}): Promise<MethodResults[M]> {
    if (closing.signal.aborted) {
      throw new AfilnetTransportError('ABORTED', `The client is closed; ${method} was not sent`);
    }
    inFlight++;
    try {
      const request = toWireRequest(method, input, resolved.maxMessageLength);
      const chosen = await getTransport();
      // Once loaded, the executor is not asked again: an await per call costs a turn of the queue.
      if (!executorReady) {
        await executor.prepare?.();
        executorReady = true;
      }
      const deadline = clock.start(options.timeoutMs ?? resolved.timeoutMs, options.signal);
      const policy = resolved.retry;
      budget.deposit();
      // The last failure of an attempt, and the last one the deadline did not cause (TIMEOUT's cause).
      let failure: unknown;
      let earlier: unknown;
      try {
        for (let number = 1; ; number++) {
          if (deadline.aborted) {
            throw failure ??
              new AfilnetTransportError('ABORTED', `The call to ${method} was aborted before it was sent`, {
                mayHaveBeenSent: false,
              });
          }
          try {
            return await attempt(chosen, method, request, deadline, number);
          } catch (error) {
            failure = error;
            if (deadline.aborted) throw error;
            earlier = error;
            // Giving up before the deadline ends the call with the failure itself: no timeout happened.
            if (number >= policy.maxAttempts || !isRetryable(error, method)) throw error;
            const delayMs = backoffDelay(number, policy, error.retryAfterMs);
            if (delayMs >= deadline.remainingMs() || !budget.withdraw()) throw error;
            notify(hooks.onRetry, () => ({ method, attempt: number, delayMs, error: redactor.error(error) }));
            debug?.(`retry (${chosen.name} ${method}) after attempt ${number} failed with ${error.code}: waiting ${Math.round(delayMs)} ms`);
            await abortableDelay(delayMs, deadline.signal);
          }
        }
      } catch (error) {
        throw finalizeError(error, earlier, method, deadline, redactor);
      } finally {
        deadline.dispose();
      }
    } finally {
      if (--inFlight === 0) onIdle?.();
    }
  }

  return {
    transportName: name,
    security: resolved.security,
    getChatChannels: (options) => call('getchatchannels', undefined, options),
    sendMessage: (input, options) => call('sendmessage', input, options),
    sendFile: (input, options) => call('sendfile', input, options),
    getChats: (input, options) => call('getchats', input, options),
    getMessages: (input, options) => call('getmessages', input, options),
    getUnreadMessages: (input, options) => call('getunreadmessages', input, options),
    watchUnreadMessages: (input) =>
      watchUnreadMessages((conversation, options) => call('getunreadmessages', conversation, options), input, closing.signal),
    watchInbound: (input) =>
      watchInbound(
        {
          getChatChannels: (options) => call('getchatchannels', undefined, options),
          getChats: (channel, options) => call('getchats', channel, options),
          getMessages: (conversation, options) => call('getmessages', conversation, options),
          getUnreadMessages: (conversation, options) => call('getunreadmessages', conversation, options),
        },
        input,
        closing.signal,
      ),
    close() {
      if (closing.signal.aborted) return closed;
      closing.abort();
      closed = (async () => {
        // Each call in flight ends by itself, within its own deadline; only then is the pool closed.
        if (inFlight > 0) {
          await new Promise<void>((resolve) => {
            onIdle = resolve;
          });
        }
        const loaded = await transport?.catch(() => undefined);
        await loaded?.close?.();
        await executor.close();
      })();
      return closed;
    },
  };
}
