/**
 * A call's abort (its deadline or the caller's signal) as a flag and a callback list: what the
 * client's own layers and its
 * undici executor listen to, instead of an `AbortSignal`, whose creation and per-request
 * listeners were the largest cost of a call (bench/profiling-notes.md, finding 1).
 *
 * Internal to core: transports and executors only ever see `{ signal }` send options. The
 * client's call context carries its hook under {@link ABORT_HOOK}, so an executor handed the
 * context as is listens through the hook and the signal is never made.
 */

/**
 * The abort of one call. `signal` is a real `AbortSignal`, made the first time it is read and
 * aborted with the hook, for the APIs that need one (`fetch`, a user's transport).
 */
export interface AbortHook {
  /** True once the call is aborted (deadline passed or caller's signal fired). */
  readonly aborted: boolean;
  /** Why it was aborted: the caller's reason, or an `Error` naming the deadline. */
  readonly reason: unknown;
  /** An `AbortSignal` that fires with the hook; made on first read. */
  readonly signal: AbortSignal;
  /**
   * Runs `listener` once, synchronously, when the hook fires. It is never called for a hook that
   * has already fired: check `aborted` first.
   */
  onAbort(listener: () => void): void;
  /** Removes a listener added with `onAbort`. */
  offAbort(listener: () => void): void;
}

/**
 * Where a call context keeps its {@link AbortHook}. A registry symbol, so that an executor of one
 * copy of core recognises a context made by another.
 */
export const ABORT_HOOK: unique symbol = Symbol.for('afilnet-chat.abortHook') as never;

/** Send options that may carry the call's hook (a client's call context does). */
export interface HookedSendOptions {
  readonly signal: AbortSignal;
  readonly [ABORT_HOOK]?: AbortHook;
}

/** The hook `options` carry, if they are a call context. Throws nothing. */
export function abortHookOf(options: HookedSendOptions): AbortHook | undefined {
  return options[ABORT_HOOK];
}

/**
 * Calls `listener` once when `abort` fires (a hook or a signal); answers the function that stops
 * listening. Throws nothing.
 */
export function listenToAbort(abort: AbortHook | AbortSignal, listener: () => void): () => void {
  if (abort instanceof AbortSignal) {
    abort.addEventListener('abort', listener, { once: true });
    return () => abort.removeEventListener('abort', listener);
  }
  abort.onAbort(listener);
  return () => abort.offAbort(listener);
}

/**
 * An {@link AbortHook} that fires when `fire` is called. Subclassed by the call deadline; and by
 * {@link SignalAbortHook}.
 */
export class AbortHookSource implements AbortHook {
  aborted = false;
  reason: unknown = undefined;
  private listeners: Array<(() => void) | undefined> | undefined = undefined;
  private controller: AbortController | undefined = undefined;

  get signal(): AbortSignal {
    if (this.controller === undefined) {
      this.controller = new AbortController();
      if (this.aborted) this.controller.abort(this.reason);
    }
    return this.controller.signal;
  }

  onAbort(listener: () => void): void {
    if (this.listeners === undefined) this.listeners = [listener];
    else this.listeners.push(listener);
  }

  offAbort(listener: () => void): void {
    const listeners = this.listeners;
    if (listeners === undefined) return;
    // Cleared rather than spliced out: a call adds a few listeners in all, and a hole is cheaper.
    const at = listeners.lastIndexOf(listener);
    if (at >= 0) listeners[at] = undefined;
  }

  /** Aborts with `reason`: the signal first (if made), then each listener once. Later calls do nothing. */
  fire(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.controller?.abort(reason);
    const listeners = this.listeners;
    this.listeners = undefined;
    if (listeners !== undefined) for (const listener of listeners) listener?.();
  }
}

/**
 * A hook that fires with an `AbortSignal` of its own (a request that comes with its signal, such
 * as a token request); it keeps one listener on that signal until `release` is called.
 */
export class SignalAbortHook extends AbortHookSource {
  private readonly forward = () => this.fire(this.source.reason);

  constructor(private readonly source: AbortSignal) {
    super();
    if (source.aborted) this.fire(source.reason);
    else source.addEventListener('abort', this.forward, { once: true });
  }

  override get signal(): AbortSignal {
    return this.source;
  }

  /** Stops listening to the signal. */
  release(): void {
    this.source.removeEventListener('abort', this.forward);
  }
}
