import { describe, expect, it } from 'vitest';
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
});
