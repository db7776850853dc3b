/**
 * Turning a failure of the HTTP layer into an `AfilnetTransportError`, with an honest
 * `mayHaveBeenSent`: false only when the request provably was not written (docs/behaviour.md,
 * "mayHaveBeenSent").
 */
import { AfilnetTransportError } from '../errors/errors.js';

/**
 * Error codes (Node's and undici's) that mean the connection was never established, so not one
 * byte of the request can have reached the server.
 */
const NEVER_CONNECTED = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_NONAME',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
  'ERR_INVALID_URL',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'CERT_HAS_EXPIRED',
]);

/** The `code` of an error or of the first cause in its chain that has one. */
export function findErrorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * A cause safe to attach to a public error: name, code and message of the original, without
 * its own properties (which, for some HTTP errors, hold request options and headers).
 */
export function sanitizeCause(error: unknown): Error {
  if (!(error instanceof Error)) return new Error(String(error));
  const copy = new Error(error.message);
  copy.name = error.name;
  const code = findErrorCode(error);
  if (code !== undefined) (copy as Error & { code?: string }).code = code;
  copy.stack = `${copy.name}: ${copy.message}`;
  return copy;
}

/**
 * `host:port` of a URL, the port written out even when it is the scheme's default: what a
 * `NETWORK` error names: never a path, a query or a credential, which may hold secrets.
 */
export function hostAndPort(url: string): string {
  try {
    const parsed = new URL(url);
    const port = parsed.port || (parsed.protocol === 'https:' ? '443' : '80');
    return `${parsed.hostname}:${port}`;
  } catch {
    return 'an invalid URL';
  }
}

/**
 * Maps an error thrown while sending `url` or reading its answer to `ABORTED` (the signal
 * fired), a phase `TIMEOUT` or `NETWORK`. `mayHaveWritten` is the executor's knowledge of
 * whether any byte of the request may have left; an error code that means the connection was
 * never established overrides it.
 */
export function toTransportError(
  error: unknown,
  signal: { readonly aborted: boolean },
  mayHaveWritten: boolean,
  url: string,
): AfilnetTransportError {
  if (error instanceof AfilnetTransportError) return error;
  const code = findErrorCode(error);
  const neverConnected = !mayHaveWritten || (code !== undefined && NEVER_CONNECTED.has(code));
  const phase = code === undefined ? undefined : PHASE_TIMEOUTS[code];
  if (phase !== undefined) return phaseTimeout(phase, !neverConnected, sanitizeCause(error));
  if (signal.aborted) {
    return new AfilnetTransportError('ABORTED', 'The request was aborted', {
      mayHaveBeenSent: !neverConnected,
      cause: sanitizeCause(error),
    });
  }
  return new AfilnetTransportError(
    'NETWORK',
    `The request to ${hostAndPort(url)} failed on the network${code ? ` (${code})` : ''}`,
    { mayHaveBeenSent: !neverConnected, cause: sanitizeCause(error) },
  );
}

/** undici's phase timeout codes, and the phase each names. */
const PHASE_TIMEOUTS: Readonly<Record<string, TimeoutPhase>> = {
  UND_ERR_CONNECT_TIMEOUT: 'connect',
  UND_ERR_HEADERS_TIMEOUT: 'headers',
  UND_ERR_BODY_TIMEOUT: 'body',
};

/** A phase of an HTTP exchange that has its own timeout. */
export type TimeoutPhase = 'connect' | 'headers' | 'body';

const PHASE_OPTION: Readonly<Record<TimeoutPhase, string>> = {
  connect: 'timeouts.connectMs',
  headers: 'timeouts.headersMs',
  body: 'timeouts.bodyMs',
};

/** The error for a phase that ran out of time. A connect timeout never sent a byte. */
export function phaseTimeout(
  phase: TimeoutPhase,
  mayHaveBeenSent: boolean,
  cause?: Error,
): AfilnetTransportError {
  return new AfilnetTransportError(
    'TIMEOUT',
    `The ${phase} phase of the request took longer than ${PHASE_OPTION[phase]}`,
    {
      mayHaveBeenSent: phase === 'connect' ? false : mayHaveBeenSent,
      ...(cause ? { cause } : {}),
    },
  );
}

/** The error for a body over the size cap. */
export function responseTooLarge(limit: number): AfilnetTransportError {
  return new AfilnetTransportError(
    'RESPONSE_TOO_LARGE',
    `The response body is larger than the limit of ${limit} bytes (option maxResponseBytes)`,
    { mayHaveBeenSent: true },
  );
}
