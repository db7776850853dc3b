/**
 * What the CLI reads and writes, gathered in one object so that commands never touch `process`
 * directly and can run in-process in tests.
 */
import type { Readable } from 'node:stream';

/** The CLI's view of its process. */
export interface CliIo {
  /** The environment (`AFILNET_*` variables). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Standard input, read by `--password-stdin`. */
  readonly stdin: Readable & {
    /** True for a terminal, which `--password-stdin` refuses (typing would echo the password). */
    readonly isTTY?: boolean;
  };
  /** Writes to standard output (data). */
  write(text: string): void;
  /** Writes to standard error (diagnostics). */
  writeError(text: string): void;
  /** A signal that fires on SIGINT or SIGTERM; the handlers are installed on first use only. */
  stopSignal(): AbortSignal;
}

/**
 * The real process' streams and signals. Installing the stop handlers replaces Node's default
 * of dying on SIGINT, so they are installed only by commands that stop cleanly (watch, sandbox).
 */
export function processIo(): CliIo {
  let stop: AbortController | undefined;
  return {
    env: process.env,
    // A getter: touching process.stdin opens it, which only --password-stdin needs.
    get stdin() {
      return process.stdin;
    },
    write: (text) => {
      process.stdout.write(text);
    },
    writeError: (text) => {
      process.stderr.write(text);
    },
    stopSignal() {
      if (stop === undefined) {
        const controller = new AbortController();
        const onSignal = (name: NodeJS.Signals) =>
          controller.abort(new Error(`stopped by ${name}`));
        process.once('SIGINT', onSignal);
        process.once('SIGTERM', onSignal);
        stop = controller;
      }
      return stop.signal;
    },
  };
}
