/**
 * A configuration whose `credentials` or `oauth.clientSecret` is a function is checked like any
 * other: the functions are set aside, a stand-in takes their place for the checks that only ask
 * whether a value is there, and what they answer is checked when a transport is built from it.
 */
import type { Credentials } from '../transport/transport.js';
import type { CredentialsProvider, SecretProvider } from './secret-source.js';

/** The stand-in of a provided value: never sent, never built into a transport. */
const STAND_IN = 'provided-at-first-use';

/** The providers of a configuration, if any. */
export interface ConfigProviders {
  readonly credentials?: CredentialsProvider;
  readonly clientSecret?: SecretProvider;
}

/**
 * Splits `input` into a configuration the schemas can check and its providers. Returns `input`
 * itself when it has none. Throws nothing.
 */
export function separateProviders(input: unknown): {
  readonly config: unknown;
  readonly providers: ConfigProviders | undefined;
} {
  if (typeof input !== 'object' || input === null) return { config: input, providers: undefined };
  const record = input as { credentials?: unknown; oauth?: unknown };
  const credentials =
    typeof record.credentials === 'function'
      ? (record.credentials as CredentialsProvider)
      : undefined;
  const oauth = record.oauth as { clientSecret?: unknown } | undefined;
  const clientSecret =
    typeof oauth === 'object' && oauth !== null && typeof oauth.clientSecret === 'function'
      ? (oauth.clientSecret as SecretProvider)
      : undefined;
  if (credentials === undefined && clientSecret === undefined)
    return { config: input, providers: undefined };
  const standIn: Credentials = { user: STAND_IN, password: STAND_IN };
  return {
    config: {
      ...record,
      ...(credentials === undefined ? {} : { credentials: standIn }),
      ...(clientSecret === undefined ? {} : { oauth: { ...oauth, clientSecret: STAND_IN } }),
    },
    providers: {
      ...(credentials === undefined ? {} : { credentials }),
      ...(clientSecret === undefined ? {} : { clientSecret }),
    },
  };
}
