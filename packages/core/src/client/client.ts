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
import { ABORT_HOOK } from '../retry/abort-hook.js';
import { createDeadlineClock, type CallDeadline } from '../retry/call-deadline.js';
import {
  isTransportDefinition,
  resolveConfig,
  type ChatClientConfig,
  type ResolvedConfig,
} from '../config/config-schema.js';
import { decodeResponse, type MethodResults } from '../wire/decode-response.js';
import { LISTING_FILTER, type ListingFilter, listingFilterOf } from '../wire/listing-filter.js';
import { createExecutor } from '../http/create-executor.js';
import type { HttpExecutor } from '../http/http-executor.js';
import { sanitizeCause } from '../http/network-error.js';
import { toWireRequest } from '../wire/input-schemas.js';
import { CHAT_METHODS, type ChatMethod } from '../wire/methods.js';
import { createRedactor, type Redactor } from '../diagnostics/redact.js';
import type { SecurityRating } from '../transport/security.js';
import type {
  ChatTransport,
  TransportCallContext,
  WireRequest,
  WireResponse,
} from '../transport/transport.js';
import type { TransportDefinition } from '../transport/options.js';
import { abortableDelay } from '../retry/abortable-delay.js';
import { debugLog } from '../diagnostics/debug-log.js';
import { channels, notify, type CallChannelContext } from '../diagnostics/channels.js';
import { isCredentialRefusal } from '../credentials/credential-refusal.js';
import type { AccountSecrets } from '../credentials/secret-source.js';
import { createClientTelemetry, type CallObservation } from '../telemetry/call-telemetry.js';
import { instrumentExecutor } from '../http/instrumented-executor.js';
import { createRetryBudget, type RetryBudget } from '../retry/retry-budget.js';
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

/** The options of a call made without any: one object for all, rather than one per call. */
const NO_OPTIONS: CallOptions = Object.freeze({});

/**
 * What a transport is handed for one attempt. Its `signal` is the deadline's, made only if
 * something reads it; the built-in transports pass the context itself to the executor, which
 * listens through the deadline's hook instead.
 */
class CallContext implements TransportCallContext {
  readonly [ABORT_HOOK]: CallDeadline;
  /** What the caller already knows of this list call's answer, for `jsonWireResponse` (a listener's). */
  readonly [LISTING_FILTER]: ListingFilter | undefined;

  constructor(
    readonly http: HttpExecutor,
    deadline: CallDeadline,
    readonly registerSecret: (secret: string) => void,
    filter: ListingFilter | undefined,
  ) {
    this[ABORT_HOOK] = deadline;
    this[LISTING_FILTER] = filter;
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

/** What a client's calls share: its executor, diagnostics, retry policy and transport. */
interface CallHost {
  readonly executor: HttpExecutor;
  /** True when hooks or the debug log watch each exchange. */
  readonly instrumented: boolean;
  readonly hooks: ResolvedConfig['hooks'];
  readonly redactor: Redactor;
  readonly debug: ReturnType<typeof debugLog>;
  readonly retry: ResolvedConfig['retry'];
  readonly budget: RetryBudget;
  readonly source: ResolvedConfig['secretSource'];
  /** The credentials each transport was built from, with a credentials function. */
  readonly builtFrom: WeakMap<ChatTransport, AccountSecrets>;
  getTransport(): Promise<ChatTransport>;
  /** Ends a call's count in flight. */
  leave(): void;
}

/**
 * One call's attempts, made and judged in callbacks: the transport's answer is decoded, and the
 * call's promise settled, in the callback that receives it, rather than by an `async` loop
 * awaiting each attempt. That saves every call an async frame, two promises and their turns of
 * the microtask queue, which on a call of a few tens of microseconds is measurable. A failure
 * goes on in {@link CallRun.afterFailure}, the retry loop, which may wait.
 *
 * Each attempt is bounded by the call's deadline even if its transport ignores the abort: the
 * attempt fails soon after the abort fires, and the transport's own settlement is always
 * observed, so a late rejection is never unhandled. Once the abort has fired the attempt fails,
 * even if an answer lands in the same turn. But a transport that honours the abort rejects
 * within that turn, and its error knows more than the abort can (a token request that stalled
 * means the API request was never written: `mayHaveBeenSent` false), so it is given until the
 * next macrotask to speak first.
 *
 * Declared once for every client, not in `createChatClient`: a class per client would give the
 * calls of each client their own hidden class, and a process with several clients megamorphic
 * call sites on all of them.
 */
class CallRun<M extends ChatMethod> {
  private readonly secrets: CallSecrets;
  private number = 0;
  /** True while an attempt's answer is awaited; its first settlement clears it. */
  private waiting = false;
  // The last failure of an attempt, and the last one the deadline did not cause (TIMEOUT's cause).
  private failure: unknown = undefined;
  private earlier: unknown = undefined;
  // A call refused for its credentials is made once more when the provider's answer changed.
  private rotated: boolean;
  private readonly stop = (): void => {
    setImmediate(() =>
      this.refused(
        new AfilnetTransportError('ABORTED', `The call to ${this.method} was aborted`, {
          mayHaveBeenSent: CHAT_METHODS[this.method].isSend,
        }),
      ),
    );
  };
  private readonly answered = (response: WireResponse): void => {
    // After the abort, the attempt fails by `stop` (a transport's answer in the same turn too).
    if (!this.waiting || this.deadline.aborted) return;
    this.waiting = false;
    this.deadline.offAbort(this.stop);
    let result: MethodResults[M];
    try {
      result = decodeResponse(this.method, response);
      this.observation?.succeeded();
    } catch (error) {
      this.afterFailure(error);
      return;
    }
    this.end();
    this.resolve(result);
  };
  private readonly refused = (error: unknown): void => {
    if (!this.waiting) return;
    this.waiting = false;
    this.deadline.offAbort(this.stop);
    this.afterFailure(error);
  };

  constructor(
    private readonly host: CallHost,
    private readonly method: M,
    private readonly request: WireRequest,
    private chosen: ChatTransport,
    private readonly deadline: CallDeadline,
    private readonly observation: CallObservation | undefined,
    private readonly filter: ListingFilter | undefined,
    private readonly resolve: (result: MethodResults[M]) => void,
    private readonly reject: (error: unknown) => void,
  ) {
    this.secrets = new CallSecrets(host.redactor);
    this.rotated = host.source === undefined;
  }

  /** Makes the next attempt, unless the call was aborted meanwhile. */
  next(): void {
    const deadline = this.deadline;
    if (deadline.aborted) {
      this.fail(
        this.failure ??
          new AfilnetTransportError(
            'ABORTED',
            `The call to ${this.method} was aborted before it was sent`,
            { mayHaveBeenSent: false },
          ),
      );
      return;
    }
    const number = ++this.number;
    const host = this.host;
    let sent: Promise<WireResponse>;
    try {
      // Executor layers, innermost first: hooks and debug log, then telemetry, so that a hook
      // sees the request as sent (its traceparent header included).
      let http = host.instrumented
        ? instrumentExecutor(host.executor, {
            hooks: host.hooks,
            redactor: host.redactor,
            debug: host.debug,
            transport: this.chosen.name,
            method: this.method,
            attempt: number,
          })
        : host.executor;
      if (this.observation !== undefined) http = this.observation.traceAttempt(http, number);
      sent = this.chosen.send(
        this.request,
        new CallContext(http, deadline, this.secrets.register, this.filter),
      );
    } catch (error) {
      // A layer or a transport that fails before it returns its promise fails the attempt.
      this.afterFailure(error);
      return;
    }
    this.waiting = true;
    // An abort that fired while the transport was sending (a hook or the transport itself may
    // abort the caller's signal) ends the attempt as one that fires later does.
    if (deadline.aborted) this.stop();
    else deadline.onAbort(this.stop);
    try {
      sent.then(this.answered, this.refused);
    } catch (error) {
      // A transport that answered something other than a promise.
      this.refused(error);
    }
  }

  /** After a failed attempt: another one (at once, or after a backoff), or the call's failure. */
  private afterFailure(error: unknown): void {
    this.retryAfter(error).catch((final: unknown) => this.fail(final));
  }

  private async retryAfter(error: unknown): Promise<void> {
    const { host, method, deadline, observation } = this;
    const { debug, redactor } = host;
    const number = this.number;
    this.failure = error;
    if (deadline.aborted) {
      observation?.attemptFailed(error, false);
      throw error;
    }
    this.earlier = error;
    if (!this.rotated && isCredentialRefusal(error)) {
      this.rotated = true;
      const used = host.builtFrom.get(this.chosen);
      if (used !== undefined && (await host.source?.renew(used).catch(() => false))) {
        observation?.attemptFailed(error, true);
        debug?.(
          `credentials (${this.chosen.name} ${method}) refused after attempt ${number}: the provider answered new ones, trying again`,
        );
        this.chosen = await host.getTransport();
        this.next();
        return;
      }
    }
    const policy = host.retry;
    // Giving up before the deadline ends the call with the failure itself: no timeout happened.
    if (number >= policy.maxAttempts || !isRetryable(error, method)) {
      observation?.attemptFailed(error, false);
      throw error;
    }
    const delayMs = backoffDelay(number, policy, error.retryAfterMs);
    if (delayMs >= deadline.remainingMs() || !host.budget.withdraw()) {
      observation?.attemptFailed(error, false);
      throw error;
    }
    observation?.attemptFailed(error, true);
    notify(host.hooks.onRetry, () => ({
      method,
      attempt: number,
      delayMs,
      error: redactor.error(error),
    }));
    debug?.(
      `retry (${this.chosen.name} ${method}) after attempt ${number} failed with ${error.code}: waiting ${Math.round(delayMs)} ms`,
    );
    await abortableDelay(delayMs, deadline);
    this.next();
  }

  /** Ends the call with `error`, as the user sees it. */
  private fail(error: unknown): void {
    // Settles whatever happens: what throws here (a telemetry SDK's failure) is the call's error.
    let final: unknown;
    try {
      final = finalizeError(error, this.earlier, this.method, this.deadline, this.host.redactor);
      this.observation?.failed(final);
    } catch (thrown) {
      final = thrown;
    }
    this.end();
    this.reject(final);
  }

  private end(): void {
    this.deadline.dispose();
    this.secrets.end();
    this.host.leave();
  }
}

/** Closes each transport once it has loaded; a failed load or a failing close() is ignored. */
async function closeTransports(transports: ReadonlyArray<Promise<ChatTransport>>): Promise<void> {
  await Promise.all(
    transports.map((loading) =>
      loading.then((loaded) => loaded.close?.()).then(undefined, () => undefined),
    ),
  );
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
  // `transport`, each one's answer is in `builtFrom`, and those replaced are closed as soon as no
  // call is in flight (see `leave`), or with the client.
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

  /**
   * Ends a call's count in flight. The last one closes the transports that new credentials
   * replaced (no call can be using them any more, since every call is counted from its start),
   * so that a long-running client whose credentials rotate keeps one transport, not one per
   * rotation; and it lets `close()` go on.
   */
  const leave = (): void => {
    if (--inFlight === 0) {
      if (replaced.length > 0) void closeTransports(replaced.splice(0));
      onIdle?.();
    }
  };

  const host: CallHost = {
    executor,
    instrumented,
    hooks,
    redactor,
    debug,
    retry: resolved.retry,
    budget,
    source,
    builtFrom,
    getTransport,
    leave,
  };

  /**
   * Runs a call, counted in flight until it settles so that `close()` can wait for it. Not
   * `async`: once the transport is built, the call's promise is the one its attempts settle
   * (see {@link CallRun}), with no async frame of its own around them.
   */
  function run<M extends ChatMethod>(
    method: M,
    input: unknown,
    options: CallOptions,
  ): Promise<MethodResults[M]> {
    if (closing.signal.aborted) {
      return Promise.reject(
        new AfilnetTransportError('ABORTED', `The client is closed; ${method} was not sent`),
      );
    }
    inFlight++;
    try {
      const request = toWireRequest(method, input, resolved.maxMessageLength);
      // Once built, a transport that no credentials function can replace is used without an
      // await, as the executor and telemetry are: an await per call costs a turn of the queue.
      return built !== undefined && executorReady
        ? start(method, request, built, options)
        : prepareThenStart(method, request, options);
    } catch (error) {
      leave();
      return Promise.reject(error);
    }
  }

  /** The first call's (and, with a credentials function, every call's) way to its transport. */
  async function prepareThenStart<M extends ChatMethod>(
    method: M,
    request: WireRequest,
    options: CallOptions,
  ): Promise<MethodResults[M]> {
    let chosen: ChatTransport;
    try {
      chosen = built ?? (await getTransport());
      if (source === undefined) built = chosen;
      if (!executorReady) {
        await Promise.all([executor.prepare?.(), telemetry.prepare()]);
        executorReady = true;
      }
    } catch (error) {
      leave();
      throw error;
    }
    return start(method, request, chosen, options);
  }

  /** Starts the call's deadline and its first attempt. */
  function start<M extends ChatMethod>(
    method: M,
    request: WireRequest,
    chosen: ChatTransport,
    options: CallOptions,
  ): Promise<MethodResults[M]> {
    return new Promise<MethodResults[M]>((resolve, reject) => {
      let call: CallRun<M>;
      try {
        const observation = telemetry.startCall(method);
        const deadline = clock.start(options.timeoutMs ?? resolved.timeoutMs, options.signal);
        budget.deposit();
        call = new CallRun(
          host,
          method,
          request,
          chosen,
          deadline,
          observation,
          listingFilterOf(options),
          resolve,
          reject,
        );
      } catch (error) {
        leave();
        reject(error);
        return;
      }
      call.next();
    });
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
        await closeTransports([
          ...replaced.splice(0),
          ...(transport === undefined ? [] : [transport]),
        ]);
        await executor.close();
      })();
      return closed;
    },
  };
}
