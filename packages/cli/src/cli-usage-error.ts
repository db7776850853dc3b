/** The error the CLI raises for bad usage: an unknown option, a missing argument, a bad value. */

/** Bad usage of the command line, found before anything was sent. Exit code 2. */
export class CliUsageError extends Error {
  /** A stable code, shown in the error line. */
  readonly code = 'USAGE';
  /** The command whose help explains the fix, when one is known. */
  readonly command: string | undefined;

  constructor(message: string, command?: string) {
    super(message);
    this.name = 'CliUsageError';
    this.command = command;
  }
}
