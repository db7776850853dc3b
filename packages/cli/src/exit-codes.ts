/**
 * The exit codes of `afilnet-chat`: one per kind of outcome, so scripts can tell a typo from an
 * API refusal from a network outage.
 */

/** Exit codes, documented in `docs/cli.md`. */
export const EXIT_CODES = {
  /** Done. `watch` and `sandbox` also end with 0 when stopped by SIGINT or SIGTERM. */
  OK: 0,
  /** An unexpected failure, or a demo in which a call failed. */
  FAILURE: 1,
  /** Bad usage: unknown command or option, missing or invalid argument, configuration or input refused before anything was sent. */
  USAGE: 2,
  /** The Afilnet API answered with an error code (wrong password, unknown channel…). */
  API_ERROR: 3,
  /** No usable answer: network failure, timeout, HTTP status, malformed response, OAuth token refused. */
  TRANSPORT_ERROR: 4,
} as const;

/** One of {@link EXIT_CODES}. */
export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];
