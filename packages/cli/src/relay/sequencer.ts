/**
 * Order per key: tasks with the same key run one after another in the order given, tasks with
 * different keys run concurrently. Per key, a promise chain and a count, dropped when the count
 * falls to zero, so memory follows the work in flight. A failed task never blocks the next one.
 */

/** Runs tasks in order per key. */
export interface Sequencer {
  /** Runs `task` after every task given earlier with the same `key`; resolves or rejects as it does. */
  run<T>(key: string, task: () => Promise<T>): Promise<T>;
  /** How many tasks are queued or running. */
  readonly size: number;
  /** Resolves once every task given so far has ended. */
  idle(): Promise<void>;
}

/** A new, empty {@link Sequencer}. */
export function createSequencer(): Sequencer {
  const chains = new Map<string, { tail: Promise<unknown>; count: number }>();
  let size = 0;
  return {
    run<T>(key: string, task: () => Promise<T>): Promise<T> {
      const chain = chains.get(key) ?? { tail: Promise.resolve(), count: 0 };
      chains.set(key, chain);
      chain.count += 1;
      size += 1;
      const result = chain.tail.then(task);
      chain.tail = result
        .then(
          () => undefined,
          () => undefined,
        )
        .finally(() => {
          size -= 1;
          chain.count -= 1;
          if (chain.count === 0) chains.delete(key);
        });
      return result;
    },
    get size() {
      return size;
    },
    async idle() {
      while (chains.size > 0) await Promise.all([...chains.values()].map((c) => c.tail));
    },
  };
}

/** At most `limit` calls of the function it wraps run at once; the others wait their turn. */
export function createLimiter(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: Array<() => void> = [];
  return async (task) => {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    running += 1;
    try {
      return await task();
    } finally {
      running -= 1;
      waiting.shift()?.();
    }
  };
}
