/**
 * Watching for unhandled promise rejections while a suite runs: a fault that leaves a promise
 * rejected with nobody listening is a crash waiting to happen in a user's process.
 */

export interface RejectionWatch {
  /** Rejections seen since the watch started. */
  readonly seen: unknown[];
  stop(): void;
}

export function watchUnhandledRejections(): RejectionWatch {
  const seen: unknown[] = [];
  const listener = (reason: unknown) => {
    seen.push(reason);
  };
  process.on('unhandledRejection', listener);
  return { seen, stop: () => process.off('unhandledRejection', listener) };
}

/** Lets pending rejections surface: they are reported after the microtask queue drains. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
}
