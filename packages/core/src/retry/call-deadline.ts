/**
 * Calls' deadlines (docs/behaviour.md, "Deadlines"): each call's {@link AbortHook} fires when its
 * overall `timeoutMs` passes or the caller's signal aborts, and says which of the two it was.
 *
 * A client's deadlines share one timer: a call costs a list insertion and removal, not a timer,
 * an `AbortController` and its listeners (the largest cost of a call in the profiles,
 * bench/profiling-notes.md finding 1). Deadlines of one length expire in the order they start,
 * so each length keeps a list in that order, and the timer is armed for the earliest head.
 *
 * The timer keeps the process alive only while a deadline is pending. When the last one ends,
 * the timer is unreferenced rather than cleared, and stays armed until it fires or an earlier
 * deadline needs it: calls made one after another would otherwise each create and clear a timer,
 * which cost them more than the rest of the clock together. A timer that fires with nothing
 * pending is not armed again. Where timers cannot be unreferenced (a runtime whose `setTimeout`
 * answers a number), it is cleared.
 */
import { AbortHookSource, type AbortHook } from './abort-hook.js';

/** The abort of one call and how it ended. */
export interface CallDeadline extends AbortHook {
  /** True once the deadline (not the caller) ended the call. */
  readonly timedOut: boolean;
  /** Milliseconds left before the deadline. */
  remainingMs(): number;
  /** Leaves the clock and detaches from the caller's signal. */
  dispose(): void;
}

/** Starts the deadlines of one client. */
export interface DeadlineClock {
  /** A deadline of `timeoutMs` from now, linked to the caller's `signal`. Throws nothing. */
  start(timeoutMs: number, signal: AbortSignal | undefined): CallDeadline;
}

/** The longest delay setTimeout honours. */
const MAX_TIMER_MS = 2_147_483_647;

/** Node's (and Bun's) timer object; a runtime with web timers answers a number instead. */
interface RefTimer {
  ref(): unknown;
  unref(): unknown;
}

function isRefTimer(timer: unknown): timer is RefTimer {
  return (
    typeof timer === 'object' &&
    timer !== null &&
    typeof (timer as Partial<RefTimer>).ref === 'function' &&
    typeof (timer as Partial<RefTimer>).unref === 'function'
  );
}

/** The deadlines of one length, in the order they expire. */
interface Lane {
  readonly length: number;
  head: Deadline | undefined;
  tail: Deadline | undefined;
}

class Deadline extends AbortHookSource implements CallDeadline {
  timedOut = false;
  prev: Deadline | undefined = undefined;
  next: Deadline | undefined = undefined;
  lane: Lane | undefined = undefined;
  private onCallerAbort: (() => void) | undefined = undefined;

  constructor(
    private readonly clock: Clock,
    readonly timeoutMs: number,
    readonly endsAt: number,
    private readonly callerSignal: AbortSignal | undefined,
  ) {
    super();
    if (callerSignal !== undefined) {
      if (callerSignal.aborted) this.fire(callerSignal.reason);
      else {
        this.onCallerAbort = () => this.fire(callerSignal.reason);
        callerSignal.addEventListener('abort', this.onCallerAbort, { once: true });
      }
    }
  }

  expire(): void {
    if (this.aborted) return;
    this.timedOut = true;
    this.fire(new Error(`deadline of ${this.timeoutMs} ms passed`));
  }

  remainingMs(): number {
    return this.endsAt - performance.now();
  }

  dispose(): void {
    this.clock.remove(this);
    if (this.onCallerAbort !== undefined)
      this.callerSignal?.removeEventListener('abort', this.onCallerAbort);
  }
}

class Clock implements DeadlineClock {
  private readonly lanes = new Map<number, Lane>();
  private timer: ReturnType<typeof setTimeout> | undefined = undefined;
  private armedFor = Number.POSITIVE_INFINITY;
  private pending = 0;
  private readonly tick = () => this.expireDue();

  start(timeoutMs: number, signal: AbortSignal | undefined): CallDeadline {
    const deadline = new Deadline(this, timeoutMs, performance.now() + timeoutMs, signal);
    if (deadline.aborted) return deadline;
    let lane = this.lanes.get(timeoutMs);
    if (lane === undefined) {
      lane = { length: timeoutMs, head: undefined, tail: undefined };
      this.lanes.set(timeoutMs, lane);
    }
    deadline.lane = lane;
    deadline.prev = lane.tail;
    if (lane.tail === undefined) lane.head = deadline;
    else lane.tail.next = deadline;
    lane.tail = deadline;
    if (deadline.endsAt < this.armedFor) this.arm(deadline.endsAt);
    else if (this.pending === 0 && isRefTimer(this.timer)) this.timer.ref();
    this.pending++;
    return deadline;
  }

  remove(deadline: Deadline): void {
    const lane = deadline.lane;
    if (lane === undefined) return;
    if (deadline.prev === undefined) lane.head = deadline.next;
    else deadline.prev.next = deadline.next;
    if (deadline.next === undefined) lane.tail = deadline.prev;
    else deadline.next.prev = deadline.prev;
    deadline.lane = deadline.prev = deadline.next = undefined;
    // Lanes of lengths no longer in use go, so that calls with ever-different timeouts leave
    // nothing behind; but the only lane stays, empty, for the next call of the same length, so
    // that calls made one after another do not make and drop it each.
    if (lane.head === undefined && this.lanes.size > 1) this.lanes.delete(lane.length);
    // With nothing left to time, no timer may keep the process alive.
    if (--this.pending === 0) this.idle();
  }

  private arm(at: number): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.armedFor = at;
    // setTimeout fires at once for more than 2^31 - 1 ms: such a timer is re-armed when it fires.
    this.timer = setTimeout(
      this.tick,
      Math.min(MAX_TIMER_MS, Math.max(1, Math.ceil(at - performance.now()))),
    );
  }

  /** Nothing pending: the timer stays armed, unreferenced, or is cleared where it cannot be. */
  private idle(): void {
    if (isRefTimer(this.timer)) {
      this.timer.unref();
      return;
    }
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.armedFor = Number.POSITIVE_INFINITY;
  }

  /** Fires every deadline that has passed (never one early), then re-arms for the next. */
  private expireDue(): void {
    this.timer = undefined;
    this.armedFor = Number.POSITIVE_INFINITY;
    const now = performance.now();
    const due: Deadline[] = [];
    let next = Number.POSITIVE_INFINITY;
    for (const lane of [...this.lanes.values()]) {
      while (lane.head !== undefined && lane.head.endsAt <= now) {
        due.push(lane.head);
        this.remove(lane.head);
      }
      if (lane.head !== undefined && lane.head.endsAt < next) next = lane.head.endsAt;
    }
    if (next !== Number.POSITIVE_INFINITY) this.arm(next);
    // Fired last, as a listener may start or end other calls.
    for (const deadline of due) deadline.expire();
  }
}

/** Creates a client's deadline clock. Throws nothing. */
export function createDeadlineClock(): DeadlineClock {
  return new Clock();
}
