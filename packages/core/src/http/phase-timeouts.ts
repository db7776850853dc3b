/** Timeouts of the phases of one HTTP exchange (the call's overall deadline is separate). */

/** Per-phase limits in ms. */
export interface PhaseTimeouts {
  /** Establishing the connection (TCP and TLS). */
  readonly connectMs: number;
  /** From sending the request to receiving the response headers. */
  readonly headersMs: number;
  /** The longest silence between two chunks of the response body. */
  readonly bodyMs: number;
}

/** The defaults: 10 s to connect, 30 s for headers, 30 s of body silence. */
export const DEFAULT_PHASE_TIMEOUTS: PhaseTimeouts = {
  connectMs: 10_000,
  headersMs: 30_000,
  bodyMs: 30_000,
};
