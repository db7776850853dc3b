/** The shape every subcommand has, and what it is handed to run. */
import type { ChatClient, ChatClientConfig } from '@afilnet-chat/core';
import type { CliIo } from './cli-io.js';
import type { ExitCode } from './exit-codes.js';
import type { OptionSpec } from './option-spec.js';
import type { OptionValues } from './parse-command-line.js';

/** What a running command can use. */
export interface CommandContext {
  readonly io: CliIo;
  /** The parsed options (connection and output options included). */
  readonly values: OptionValues;
  /** True with `--json`. */
  readonly json: boolean;
  /** A string option's value, or `undefined` when not given. */
  text(name: string): string | undefined;
  /** A string option the parser has checked is present (a required option). */
  required(name: string): string;
  /**
   * The client configured from the environment and the connection options, plus `extra` (the
   * first call's; e.g. `telemetry`); built once, closed after the command ends.
   *
   * @throws {AfilnetValidationError} for a configuration core refuses.
   * @throws {CliUsageError} for a bad connection option.
   */
  client(extra?: Partial<ChatClientConfig>): Promise<ChatClient>;
  /** Prints `data` as one JSON document with `--json`, else the text `render` gives. */
  print(data: unknown, render: () => string): void;
}

/** A subcommand of `afilnet-chat`. */
export interface Command {
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** A paragraph for the command's `--help`. */
  readonly description: string;
  /** True for commands that call the API: they accept the connection options. */
  readonly callsApi: boolean;
  /** The command's own options. */
  readonly options: readonly OptionSpec[];
  /** Example invocations for `--help`. */
  readonly examples: readonly string[];
  /**
   * Runs the command.
   *
   * @throws anything: the CLI reports it as one line with an exit code (see `describeError`).
   */
  run(context: CommandContext): Promise<ExitCode>;
}
