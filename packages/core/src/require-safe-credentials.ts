/**
 * The credential check of transports that put the credentials in a header or an envelope
 * (Basic, SOAP): the same rules `createChatClient` applies (SPEC §4 "Settled details"), for a
 * user who builds the transport by hand, plus the transport's own rules.
 */
import { AfilnetValidationError, type ValidationIssue } from './errors.js';
import { requireCredentials } from './require-credentials.js';
import type { Credentials } from './transport.js';

/**
 * A transport's own rule on one credential: a problem (never quoting the value), or undefined.
 */
export type CredentialRule = (field: 'user' | 'password', value: string) => string | undefined;

/**
 * Returns the credentials when both are non-empty strings without CR or LF (which would let a
 * value break out of a header line) and pass `rule`.
 *
 * @throws {AfilnetValidationError} `INVALID_CONFIG` listing every problem, by path
 *   (`credentials.user`, `credentials.password`), without quoting any value.
 */
export function requireSafeCredentials(
  credentials: Credentials | undefined,
  transportName: string,
  rule?: CredentialRule,
): Credentials {
  const checked = requireCredentials(credentials, transportName);
  const issues: ValidationIssue[] = [];
  for (const field of ['user', 'password'] as const) {
    const value: unknown = checked[field];
    const path = `credentials.${field}`;
    if (typeof value !== 'string') {
      issues.push({ path, message: 'must be a string' });
      continue;
    }
    if (value === '') issues.push({ path, message: 'must not be empty' });
    if (/[\r\n]/.test(value)) issues.push({ path, message: 'must not contain CR or LF' });
    const problem = rule?.(field, value);
    if (problem !== undefined) issues.push({ path, message: problem });
  }
  if (issues.length > 0) {
    throw new AfilnetValidationError('INVALID_CONFIG', `Invalid credentials for the ${transportName} transport`, { issues });
  }
  return checked;
}
