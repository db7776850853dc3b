/**
 * BullMQ's `Worker`, closing with it the queues and connections our processors use beside it.
 */
import { Worker, type Processor, type WorkerOptions } from 'bullmq';

/** Something the worker closes after itself. */
export interface Closable {
  close(): Promise<unknown>;
}

/** A `Worker` whose `close()` also closes what it was given, once its jobs are done. */
export class OwningWorker<D, R> extends Worker<D, R> {
  readonly #owned: readonly Closable[];

  constructor(
    name: string,
    processor: Processor<D, R>,
    options: WorkerOptions,
    owned: readonly Closable[],
  ) {
    super(name, processor, options);
    this.#owned = owned;
  }

  override async close(force = false): Promise<void> {
    await super.close(force);
    await Promise.allSettled(this.#owned.map((o) => o.close()));
  }
}

/** `options` without the keys given as `undefined`, which BullMQ would take over its defaults. */
export function withoutUndefined<T extends object>(options: T): T {
  return Object.fromEntries(
    Object.entries(options).filter(([, value]) => value !== undefined),
  ) as T;
}
