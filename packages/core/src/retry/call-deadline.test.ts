import { afterEach, describe, expect, it, vi } from 'vitest';
import { createDeadlineClock } from './call-deadline.js';

const fired = (deadline: { onAbort(listener: () => void): void }) =>
  new Promise<number>((resolve) => deadline.onAbort(() => resolve(performance.now())));

describe('createDeadlineClock', () => {
  it('fires each deadline once its time has passed, never before, whatever the mix of lengths', async () => {
    const clock = createDeadlineClock();
    const started = performance.now();
    const lengths = [40, 10, 25, 10, 60];
    const deadlines = lengths.map((ms) => clock.start(ms, undefined));
    const times = await Promise.all(deadlines.map(fired));
    for (const [i, at] of times.entries())
      expect(at - started).toBeGreaterThanOrEqual((lengths[i] as number) - 1);
    for (const d of deadlines) {
      expect([d.aborted, d.timedOut]).toEqual([true, true]);
      expect(String(d.reason)).toMatch(/deadline of \d+ ms passed/);
      d.dispose();
    }
  });

  it('never fires a deadline that was disposed, and fires the others', async () => {
    const clock = createDeadlineClock();
    const early = clock.start(15, undefined);
    const late = clock.start(30, undefined);
    early.dispose();
    await fired(late);
    expect(early.aborted).toBe(false);
    late.dispose();
  });

  it("follows the caller's signal, then its reason, and is not timed out", () => {
    const clock = createDeadlineClock();
    const controller = new AbortController();
    const deadline = clock.start(10_000, controller.signal);
    let calls = 0;
    deadline.onAbort(() => calls++);
    controller.abort('stop');
    expect([deadline.aborted, deadline.timedOut, deadline.reason, calls]).toEqual([
      true,
      false,
      'stop',
      1,
    ]);
    expect(deadline.signal.aborted).toBe(true);
    deadline.dispose();
    expect(clock.start(5, AbortSignal.abort('already')).reason).toBe('already');
  });

  it('makes its AbortSignal only when read, aborted with it', async () => {
    const clock = createDeadlineClock();
    const deadline = clock.start(10, undefined);
    const { signal } = deadline;
    expect(signal.aborted).toBe(false);
    await fired(deadline);
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe(deadline.reason);
    deadline.dispose();
  });

  it('runs a listener removed with offAbort never, and the others once', () => {
    const clock = createDeadlineClock();
    const controller = new AbortController();
    const deadline = clock.start(10_000, controller.signal);
    const seen: string[] = [];
    const a = () => seen.push('a');
    deadline.onAbort(a);
    deadline.onAbort(() => seen.push('b'));
    deadline.offAbort(a);
    controller.abort();
    controller.abort();
    expect(seen).toEqual(['b']);
    deadline.dispose();
  });

  it('keeps at most one list of a length no longer in use, whatever the lengths asked', () => {
    const clock = createDeadlineClock();
    // White-box: the lists by length are the one thing the clock could accumulate.
    const lanes = () => (clock as unknown as { lanes: Map<number, unknown> }).lanes.size;
    for (let ms = 1_000; ms < 2_000; ms++) clock.start(ms, undefined).dispose();
    expect(lanes()).toBeLessThanOrEqual(1);
    const open = Array.from({ length: 50 }, (_, i) => clock.start(5_000 + i, undefined));
    expect(lanes()).toBeGreaterThanOrEqual(50);
    for (const deadline of open) deadline.dispose();
    expect(lanes()).toBeLessThanOrEqual(1);
  });

  describe('the timer keeps the process alive only while a deadline is pending', () => {
    /** The timers that keep this thread's event loop alive. */
    const refTimers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

    afterEach(() => {
      vi.unstubAllGlobals();
    });

    it('references it while a call is pending and lets go when the last one ends', () => {
      const clock = createDeadlineClock();
      const base = refTimers();
      const first = clock.start(30_000, undefined);
      expect(refTimers()).toBe(base + 1);
      const second = clock.start(30_000, undefined);
      expect(refTimers()).toBe(base + 1);
      first.dispose();
      expect(refTimers()).toBe(base + 1);
      second.dispose();
      expect(refTimers()).toBe(base);
      // One call after another: each holds the process while it runs, and none after it.
      for (let i = 0; i < 3; i++) {
        const next = clock.start(30_000, undefined);
        expect(refTimers()).toBe(base + 1);
        next.dispose();
        expect(refTimers()).toBe(base);
      }
    });

    it('fires a deadline started after the last one ended on time, later or earlier than it', async () => {
      const clock = createDeadlineClock();
      clock.start(20, undefined).dispose();
      const started = performance.now();
      const later = clock.start(60, undefined);
      const earlier = clock.start(5, undefined);
      clock.start(40, undefined).dispose();
      const [laterAt, earlierAt] = await Promise.all([fired(later), fired(earlier)]);
      expect(laterAt - started).toBeGreaterThanOrEqual(59);
      expect(earlierAt - started).toBeGreaterThanOrEqual(4);
      expect([later.timedOut, earlier.timedOut]).toEqual([true, true]);
      later.dispose();
      earlier.dispose();
    });

    /**
     * Stubs setTimeout with one that records each delay asked and arms the real timer as `arm`
     * says; answers the delays.
     */
    const recordDelays = (
      arm: (real: typeof setTimeout, callback: () => void, ms: number) => unknown,
    ): number[] => {
      const realSetTimeout = globalThis.setTimeout;
      const delays: number[] = [];
      vi.stubGlobal('setTimeout', (callback: () => void, ms: number) => {
        delays.push(ms);
        return arm(realSetTimeout, callback, ms);
      });
      return delays;
    };

    it('clears the timer where setTimeout answers a number, as web timers do', async () => {
      // Node clears a timer by the number its object converts to.
      const delays = recordDelays((real, callback, ms) => Number(real(callback, ms)));
      const clock = createDeadlineClock();
      const base = refTimers();
      clock.start(30_000, undefined).dispose();
      expect(refTimers()).toBe(base);
      const deadline = clock.start(10, undefined);
      await fired(deadline);
      expect(deadline.timedOut).toBe(true);
      expect(refTimers()).toBe(base);
      // A timer per deadline. The event loop's clock can lag performance.now() on a busy
      // machine, so the second timer may fire before its deadline: it is then armed again for
      // what is left, never for longer.
      expect(delays[0]).toBe(30_000);
      expect(delays.length).toBeGreaterThanOrEqual(2);
      for (const ms of delays.slice(1)) expect(ms).toBeLessThanOrEqual(10);
      deadline.dispose();
    });

    it('arms the timer again when it fires before the deadline, and fires the deadline on time', async () => {
      // A timer that comes 15 ms early, as one can by performance.now() on a busy machine.
      const delays = recordDelays((real, callback, ms) => real(callback, Math.max(0, ms - 15)));
      const clock = createDeadlineClock();
      const started = performance.now();
      const deadline = clock.start(40, undefined);
      const at = await fired(deadline);
      expect(at - started).toBeGreaterThanOrEqual(39);
      expect(deadline.timedOut).toBe(true);
      expect(delays.length).toBeGreaterThanOrEqual(2);
      expect(delays[0]).toBe(40);
      for (const ms of delays.slice(1)) expect(ms).toBeLessThanOrEqual(25);
      deadline.dispose();
    });
  });
});
