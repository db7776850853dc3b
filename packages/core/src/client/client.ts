/**
 * The public client: validate → transport (encode, authenticate, send) → decode, with
 * the deadline, error mapping and redaction around it.
 */
import { AfilnetError, AfilnetTransportError } from '../errors/errors.js';
import type {
  CallOptions,
  ChannelRef,
  ChatChannel,
  ChatMessage,
  ConversationRef,
  SendFileInput,
  SendMessageInput,
} from '../wire/chat-types.js';
import { ABORT_HOOK, type AbortHook } from '../retry/abort-hook.js';
import { createDeadlineClock, type CallDeadline } from '../retry/call-deadline.js';
import {
  isTransportDefinition,
  resolveConfig,
  type ChatClientConfig,
  type ResolvedConfig,
} from '../config/config-schema.js';
import { decodeResponse, type MethodResults } from '../wire/decode-response.js';
import { createExecutor } from '../http/create-executor.js';
import type { HttpExecutor } from '../http/http-executor.js';
import { sanitizeCause } from '../http/network-error.js';
import { toWireRequest } from '../wire/input-schemas.js';
import { CHAT_METHODS, type ChatMethod } from '../wire/methods.js';
import { createRedactor, type Redactor } from '../diagnostics/redact.js';
import type { SecurityRating } from '../transport/security.js';
import type { ChatTransport, TransportCallContext, WireRequest } from '../transport/transport.js';
import type { TransportDefinition } from '../transport/options.js';
import { abortableDelay } from '../retry/abortable-delay.js';
import { debugLog } from '../diagnostics/debug-log.js';
import { channels, notify, type CallChannelContext } from '../diagnostics/channels.js';
import { isCredentialRefusal } from '../credentials/credential-refusal.js';
import type { AccountSecrets } from '../credentials/secret-source.js';
import { createClientTelemetry, type CallObservation } from '../telemetry/call-telemetry.js';
import { instrumentExecutor } from '../http/instrumented-executor.js';
import { createRetryBudget } from '../retry/retry-budget.js';
import { backoffDelay, isRetryable } from '../retry/retry-policy.js';
import {
  watchUnreadMessages,
  type UnreadMessagesWatch,
  type WatchUnreadMessagesInput,
} from './watch-unread-messages.js';
import { watchInbound, type InboundWatch, type WatchInboundInput } from '../inbound/index.js';

/** The client of the Web Chat API. */
export interface ChatClient {
  /** The transport's name, e.g. `soap`. */
  readonly transportName: string;
  /** The transport's security rating. */
  readonly security: SecurityRating;
  /**
   * Lists the account's chat channels (`getchatchannels`): the `platform` and `platformId` that
   * every other method takes.
   *
   * @throws {AfilnetApiError} `INCORRECT_USER_PASSWORD` and the API's other common codes.
   * @throws {AfilnetTransportError} when no answer could be had (`NETWORK`, `TIMEOUT`, …).
   * @example
   * ```ts
   * for (const channel of await chat.getChatChannels()) {
   *   console.log(channel.platform, channel.platformId, channel.name); // whatsapp 100 Demo WhatsApp
   * }
   * ```
   */
  getChatChannels(options?: CallOptions): Promise<ChatChannel[]>;
  /**
   * Sends a text message (`sendmessage`), opening the conversation if needed. Resolves to
   * nothing: the API gives no message id.
   *
   * @throws {AfilnetValidationError} `INVALID_PARAMS` listing every problem; nothing is sent.
   * @throws {AfilnetApiError} `CHANNEL_NOT_FOUND`, and the API's common codes.
   * @throws {AfilnetTransportError} with `mayHaveBeenSent` true when the message may have arrived
   *   all the same: look for it with `getMessages` before sending it again.
   * @example
   * ```ts
   * await chat.sendMessage({ platform: 'whatsapp', platformId: '100', destination: '34600000000', message: 'Your order shipped' });
   * ```
   */
  sendMessage(input: SendMessageInput, options?: CallOptions): Promise<void>;
  /**
   * Sends a file by URL (`sendfile`), with an optional caption; the conversation must exist.
   * Resolves to nothing: the API gives no message id.
   *
   * @throws {AfilnetValidationError} `INVALID_PARAMS` (an unknown `type`, a URL that is not
   *   absolute `http`/`https`…); nothing is sent.
   * @throws {AfilnetApiError} `CHANNEL_NOT_FOUND`, `CHAT_NOT_FOUND` (send a message first),
   *   `INCORRECT_FILETYPE`, `INCORRECT_FILEURL`, `INCORRECT_THUMBURL`.
   * @throws {AfilnetTransportError} with `mayHaveBeenSent` as for {@link ChatClient.sendMessage}.
   * @example
   * ```ts
   * await chat.sendFile({
   *   platform: 'whatsapp', platformId: '100', destination: '34600000000',
   *   type: 'document', fileUrl: 'https://example.com/invoice-42.pdf', message: 'Your invoice',
   * });
   * ```
   */
  sendFile(input: SendFileInput, options?: CallOptions): Promise<void>;
  /**
   * The latest message of each conversation of a channel (`getchats`): one per customer, an
   * empty list for a channel with none yet.
   *
   * @throws {AfilnetValidationError} `INVALID_PARAMS`; nothing is sent.
   * @throws {AfilnetApiError} `CHANNEL_NOT_FOUND`, and the API's common codes.
   * @throws {AfilnetTransportError} when no answer could be had.
   * @example
   * ```ts
   * for (const latest of await chat.getChats({ platform: 'whatsapp', platformId: '100' })) {
   *   console.log(`${latest.destination}: ${latest.message}`);
   * }
   * ```
   */
  getChats(input: ChannelRef, options?: CallOptions): Promise<ChatMessage[]>;
  /**
   * Every message of a conversation (`getmessages`), both ways.
   *
   * @throws {AfilnetValidationError} `INVALID_PARAMS`; nothing is sent.
   * @throws {AfilnetApiError} `CHANNEL_NOT_FOUND`, `CHAT_NOT_FOUND`, and the API's common codes.
   * @throws {AfilnetTransportError} when no answer could be had.
   * @example
   * ```ts
   * const history = await chat.getMessages({ platform: 'whatsapp', platformId: '100', destination: '34600000000' });
   * const fromCustomer = history.filter((m) => !m.sent);
   * ```
   */
  getMessages(input: ConversationRef, options?: CallOptions): Promise<ChatMessage[]>;
  /**
   * The customer's messages of a conversation not read yet (`getunreadmessages`), which the
   * server then marks read: each is returned once, so keep what you get. To poll, use
   * {@link ChatClient.watchUnreadMessages}.
   *
   * @throws {AfilnetValidationError} `INVALID_PARAMS`; nothing is sent.
   * @throws {AfilnetApiError} `CHANNEL_NOT_FOUND`, `CHAT_NOT_FOUND`, and the API's common codes.
   * @throws {AfilnetTransportError} when no answer could be had.
   * @example
   * ```ts
   * for (const message of await chat.getUnreadMessages({ platform: 'whatsapp', platformId: '100', destination: '34600000000' })) {
   *   console.log(`${message.datetime} ${message.message}`);
   * }
   * ```
   */
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
   * Ends the client: every active `watchUnreadMessages` and `watchInbound` finishes at once (what it
   * fetched stays in `takeUndelivered()`), calls in flight finish or fail within their own
   * deadline, then the transport and the connection pool are closed and the promise resolves.
   * Calls made afterwards fail with `ABORTED` and are not sent.
   */
  close(): Promise<void>;
}

/**
 * Settles with `decode(answer)` once `promise` gives the transport's answer, or rejects soon
 * after `abort` fires, so that no call outlives its deadline even if a transport ignores the
 * signal. The transport's own settlement is always observed, so a late rejection is never
 * unhandled.
 *
 * Once the abort has fired the call fails, even if an answer lands in the same turn. But a
 * transport that honours the abort rejects within that turn, and its error knows more than
 * `onAbort()` can (a token request that stalled means the API request was never written:
 * `mayHaveBeenSent` false), so it is given until the next macrotask to speak first.
 *
 * The answer is decoded here, in the callback that receives it, rather than by an `async`
 * attempt awaiting this promise: that saves every attempt an async frame, a promise and a turn
 * of the microtask queue, which on a call of a few tens of microseconds is measurable. A decoder
 * that throws rejects the attempt as it did when it ran after the await.
 */
function untilAborted<T, R>(
  promise: Promise<T>,
  abort: AbortHook,
  onAbort: () => unknown,
  decode: (answer: T) => R,
): Promise<R> {
  return new Promise<R>((resolve, reject) => {
    let aborted = false;
    const stop = () => {
      aborted = true;
      setImmediate(() => reject(onAbort()));
    };
    abort.onAbort(stop);
    promise.then(
      (value) => {
        abort.offAbort(stop);
        if (aborted) return;
        try {
          resolve(decode(value));
        } catch (error) {
          reject(error);
        }
      },
      (error: unknown) => {
        abort.offAbort(stop);
        reject(error);
      },
    );
  });
}

/** The options of a call made without any: one object for all, rather than one per call. */
const NO_OPTIONS: CallOptions = Object.freeze({});

/**
 * What a transport is handed for one attempt. Its `signal` is the deadline's, made only if
 * something reads it; the built-in transports pass the context itself to the executor, which
 * listens through the deadline's hook instead.
 */
class CallContext implements TransportCallContext {
  readonly [ABORT_HOOK]: CallDeadline;

  constructor(
    readonly http: HttpExecutor,
    deadline: CallDeadline,
    readonly registerSecret: (secret: string) => void,
  ) {
    this[ABORT_HOOK] = deadline;
  }

  get signal(): AbortSignal {
    return this[ABORT_HOOK].signal;
  }

  remainingMs(): number {
    return this[ABORT_HOOK].remainingMs();
  }
}

/**
 * The run-time secrets (bearer tokens) one call registered: held in the client's redactor until
 * the call has ended, its error redacted, so that the redactor forgets tokens that were replaced.
 * A secret registered after the call ended (by a token request it started) is held only until
 * a newer one replaces it.
 */
class CallSecrets {
  private releases: Array<() => void> | undefined = undefined;
  private ended = false;

  constructor(private readonly redactor: Redactor) {}

  readonly register = (secret: string): void => {
    const release = this.redactor.hold(secret);
    if (this.ended) release();
    else (this.releases ??= []).push(release);
  };

  end(): void {
    this.ended = true;
    const releases = this.releases;
    this.releases = undefined;
    if (releases !== undefined) for (const release of releases) release();
  }
}

/**
 * The error a call ends with: `TIMEOUT` only when the deadline ended it, its cause the last
 * failure the deadline did not itself cause (`earlier`, none if there was none); otherwise the
 * failure itself. `mayHaveBeenSent` false for read methods, foreign errors wrapped, secrets
 * redacted.
 */
function finalizeError(
  error: unknown,
  earlier: unknown,
  method: ChatMethod,
  deadline: CallDeadline,
  redactor: Redactor,
): unknown {
  const isSend = CHAT_METHODS[method].isSend;
  let result: unknown = error;
  if (deadline.timedOut) {
    const mayHaveBeenSent = error instanceof AfilnetTransportError ? error.mayHaveBeenSent : isSend;
    result = new AfilnetTransportError(
      'TIMEOUT',
      `The call to ${method} did not finish within its deadline (timeoutMs)`,
      {
        mayHaveBeenSent: isSend && mayHaveBeenSent,
        ...(earlier === undefined
          ? {}
          : { cause: earlier instanceof AfilnetError ? earlier : sanitizeCause(earlier) }),
      },
    );
  } else if (error instanceof AfilnetTransportError) {
    if (!isSend && error.mayHaveBeenSent) result = error.with({ mayHaveBeenSent: false });
  } else if (!(error instanceof AfilnetError)) {
    result = new AfilnetTransportError(
      deadline.aborted ? 'ABORTED' : 'NETWORK',
      deadline.aborted
        ? `The call to ${method} was aborted`
        : `The transport failed during ${method}`,
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
  const name = resolved.transport.name;
  // A transport given as an instance is used as is; a definition (a built-in name's included) is
  // built at the first call, and again from new credentials when a function answers them.
  const definition = isTransportDefinition(resolved.transport) ? resolved.transport : undefined;
  const adopt = (chosen: ChatTransport): ChatTransport => {
    for (const secret of chosen.secrets ?? []) redactor.add(secret);
    return chosen;
  };
  let transport: Promise<ChatTransport> | undefined =
    definition === undefined
      ? Promise.resolve(adopt(resolved.transport as ChatTransport))
      : undefined;
  // With credentials from a function, a transport per answer: the one built from the latest is
  // `transport`, each one's answer is in `builtFrom`, and those replaced are closed with the client.
  const source = definition === undefined ? undefined : resolved.secretSource;
  let transportSecrets: AccountSecrets | undefined;
  const builtFrom = new WeakMap<ChatTransport, AccountSecrets>();
  const replaced: Array<Promise<ChatTransport>> = [];
  // Fires on close(): ends every watch at once, and refuses new calls. Calls in flight are not
  // aborted: `closed` (what close() returns) settles once they have.
  const closing = new AbortController();
  let closed: Promise<void> = Promise.resolve();
  // Calls in flight, counted rather than collected: no promise, set entry or closure per call.
  let inFlight = 0;
  let executorReady = false;
  // The transport once built, when nothing can replace it (no credentials function).
  let built: ChatTransport | undefined;
  let onIdle: (() => void) | undefined;

  const getTransport = (): Promise<ChatTransport> =>
    source === undefined ? loadOnce(resolved.factoryOptions) : source.current().then(transportFor);

  /** The transport built from `secrets`, built once for all the calls that need it. */
  const transportFor = (secrets: AccountSecrets): Promise<ChatTransport> => {
    if (transportSecrets !== secrets) {
      if (transport !== undefined) replaced.push(transport);
      transport = undefined;
      transportSecrets = secrets;
    }
    const { credentials, clientSecret } = secrets;
    const oauth =
      clientSecret === undefined
        ? resolved.factoryOptions.oauth
        : { ...resolved.factoryOptions.oauth, clientSecret };
    return loadOnce({
      ...resolved.factoryOptions,
      ...(credentials === undefined ? {} : { credentials }),
      oauth,
    }).then((chosen) => {
      builtFrom.set(chosen, secrets);
      return chosen;
    });
  };

  const loadOnce = (options: typeof resolved.factoryOptions): Promise<ChatTransport> => {
    if (transport === undefined) {
      // An async step first, so that a factory that throws rejects this promise rather than the call's caller synchronously.
      const loading = Promise.resolve(options)
        .then((resolvedOptions) => (definition as TransportDefinition).create(resolvedOptions))
        .then(adopt);
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
  const instrumented =
    hooks.onRequest !== undefined || hooks.onResponse !== undefined || debug !== undefined;
  const budget = createRetryBudget(resolved.retry.budgetRatio);
  const clock = createDeadlineClock();
  const telemetry = createClientTelemetry(name, resolved.telemetry);

  /**
   * One attempt: the transport's exchange, decoded, bounded by the call's signal. Not `async`:
   * a synchronous throw (a layer or a transport failing before it returns its promise) reaches
   * the caller's `try` around `await attempt(…)` just as a rejection does.
   */
  function attempt<M extends ChatMethod>(
    chosen: ChatTransport,
    method: M,
    request: WireRequest,
    deadline: CallDeadline,
    number: number,
    observation: CallObservation | undefined,
    secrets: CallSecrets,
  ): Promise<MethodResults[M]> {
    // Executor layers, innermost first: hooks and debug log, then telemetry, so that a hook sees
    // the request as sent (its traceparent header included).
    let http = instrumented
      ? instrumentExecutor(executor, {
          hooks,
          redactor,
          debug,
          transport: chosen.name,
          method,
          attempt: number,
        })
      : executor;
    if (observation !== undefined) http = observation.traceAttempt(http, number);
    const stopped = () =>
      new AfilnetTransportError('ABORTED', `The call to ${method} was aborted`, {
        mayHaveBeenSent: CHAT_METHODS[method].isSend,
      });
    return untilAborted(
      chosen.send(request, new CallContext(http, deadline, secrets.register)),
      deadline,
      stopped,
      (response) => decodeResponse(method, response),
    );
  }

  /**
   * Runs a call, published on the `afilnet-chat:call` channel when anything listens there. The
   * result is not published (it may hold messages and destinations): only the call's end.
   */
  function call<M extends ChatMethod>(
    method: M,
    input: unknown,
    options: CallOptions = NO_OPTIONS,
  ): Promise<MethodResults[M]> {
    if (!channels.call.hasSubscribers) return run(method, input, options);
    let result: MethodResults[M] | undefined;
    const context: CallChannelContext = { transport: name, method };
    return channels.call
      .tracePromise(async () => {
        result = await run(method, input, options);
      }, context)
      .then(() => result as MethodResults[M]);
  }

  /** Runs a call, counted in flight until it settles so that `close()` can wait for it. */
  async function run<M extends ChatMethod>(
    method: M,
    input: unknown,
    options: CallOptions,
  ): Promise<MethodResults[M]> {
    if (closing.signal.aborted) {
      throw new AfilnetTransportError('ABORTED', `The client is closed; ${method} was not sent`);
    }
    inFlight++;
    try {
      const request = toWireRequest(method, input, resolved.maxMessageLength);
      // Once built, a transport that no credentials function can replace is used without an
      // await, as the executor and telemetry are: an await per call costs a turn of the queue.
      let chosen = built ?? (await getTransport());
      if (source === undefined) built = chosen;
      if (!executorReady) {
        await Promise.all([executor.prepare?.(), telemetry.prepare()]);
        executorReady = true;
      }
      const observation = telemetry.startCall(method);
      const deadline = clock.start(options.timeoutMs ?? resolved.timeoutMs, options.signal);
      const secrets = new CallSecrets(redactor);
      const policy = resolved.retry;
      budget.deposit();
      // The last failure of an attempt, and the last one the deadline did not cause (TIMEOUT's cause).
      let failure: unknown;
      let earlier: unknown;
      // A call refused for its credentials is made once more when the provider's answer changed.
      let rotated = source === undefined;
      try {
        for (let number = 1; ; number++) {
          if (deadline.aborted) {
            throw (
              failure ??
              new AfilnetTransportError(
                'ABORTED',
                `The call to ${method} was aborted before it was sent`,
                {
                  mayHaveBeenSent: false,
                },
              )
            );
          }
          try {
            const result = await attempt(
              chosen,
              method,
              request,
              deadline,
              number,
              observation,
              secrets,
            );
            observation?.succeeded();
            return result;
          } catch (error) {
            failure = error;
            if (deadline.aborted) {
              observation?.attemptFailed(error, false);
              throw error;
            }
            earlier = error;
            if (!rotated && isCredentialRefusal(error)) {
              rotated = true;
              const used = builtFrom.get(chosen);
              if (used !== undefined && (await source?.renew(used).catch(() => false))) {
                observation?.attemptFailed(error, true);
                debug?.(
                  `credentials (${chosen.name} ${method}) refused after attempt ${number}: the provider answered new ones, trying again`,
                );
                chosen = await getTransport();
                continue;
              }
            }
            // Giving up before the deadline ends the call with the failure itself: no timeout happened.
            if (number >= policy.maxAttempts || !isRetryable(error, method)) {
              observation?.attemptFailed(error, false);
              throw error;
            }
            const delayMs = backoffDelay(number, policy, error.retryAfterMs);
            if (delayMs >= deadline.remainingMs() || !budget.withdraw()) {
              observation?.attemptFailed(error, false);
              throw error;
            }
            observation?.attemptFailed(error, true);
            notify(hooks.onRetry, () => ({
              method,
              attempt: number,
              delayMs,
              error: redactor.error(error),
            }));
            debug?.(
              `retry (${chosen.name} ${method}) after attempt ${number} failed with ${error.code}: waiting ${Math.round(delayMs)} ms`,
            );
            await abortableDelay(delayMs, deadline);
          }
        }
      } catch (error) {
        const final = finalizeError(error, earlier, method, deadline, redactor);
        observation?.failed(final);
        throw final;
      } finally {
        deadline.dispose();
        secrets.end();
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
      watchUnreadMessages(
        (conversation, options) => call('getunreadmessages', conversation, options),
        input,
        closing.signal,
      ),
    watchInbound: (input) =>
      watchInbound(
        {
          getChatChannels: (options) => call('getchatchannels', undefined, options),
          getChats: (channel, options) => call('getchats', channel, options),
          getMessages: (conversation, options) => call('getmessages', conversation, options),
          getUnreadMessages: (conversation, options) =>
            call('getunreadmessages', conversation, options),
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
        for (const built of [...replaced, transport]) {
          const loaded = await built?.catch(() => undefined);
          await loaded?.close?.();
        }
        await executor.close();
      })();
      return closed;
    },
  };
}
