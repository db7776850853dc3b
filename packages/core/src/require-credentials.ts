/** The check every password-carrying transport factory makes on its options. */
import { AfilnetValidationError } from './errors.js';
import type { Credentials } from './transport.js';

/**
 * Returns the credentials, or throws when a transport that needs them was given none.
 *
 * @throws {AfilnetValidationError} `INVALID_CONFIG` naming the transport.
 */
export function requireCredentials(credentials: Credentials | undefined, transportName: string): Credentials {
  if (credentials === undefined) {
    throw new AfilnetValidationError('INVALID_CONFIG', `The ${transportName} transport needs credentials`, {
      issues: [{ path: 'credentials', message: 'is required (user and password)' }],
    });
  }
  return credentials;
}
