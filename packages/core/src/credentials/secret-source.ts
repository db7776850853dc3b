/**
 * Credentials that may change while a client runs: `credentials` and `oauth.clientSecret` given
 * as functions (a secrets manager, a file mounted by Docker or Kubernetes). The functions are
 * called at first use and their answer kept; callers that need it at the same time share one
 * call. After the server refuses what they answered, they are asked once more: a changed answer
 * is a rotation, and the refused call is made again with it.
 */
import { AfilnetValidationError } from '../errors/errors.js';
import { sanitizeCause } from '../http/network-error.js';
import type { Credentials } from '../transport/transport.js';

/** Answers the account's user and password, synchronously or not. */
export type CredentialsProvider = () => Credentials | Promise<Credentials>;

/** Answers a secret (an OAuth client secret), synchronously or not. */
export type SecretProvider = () => string | Promise<string>;

/** What the providers answered, as one value: a transport is built from one of these. */
export interface AccountSecrets {
  readonly credentials?: Credentials;
  readonly clientSecret?: string;
}

/** The providers' current answer, and a way to ask again. */
export interface SecretSource {
  /**
   * The answer kept, or the providers' answer at first use (one call shared by every caller).
   *
   * @throws {AfilnetValidationError} `INVALID_CONFIG` when a provider throws or rejects; its
   *   error is the `cause`. Nothing is kept: the next call asks again.
   */
  current(): Promise<AccountSecrets>;
  /**
   * After the server refused `refused`: asks the providers again, unless another caller already
   * did, and says whether the answer now differs from `refused`.
   *
   * @throws {AfilnetValidationError} as {@link SecretSource.current}.
   */
  renew(refused: AccountSecrets): Promise<boolean>;
}

function same(a: AccountSecrets, b: AccountSecrets): boolean {
  return (
    a.clientSecret === b.clientSecret &&
    a.credentials?.user === b.credentials?.user &&
    a.credentials?.password === b.credentials?.password
  );
}

/**
 * Creates the source of a configuration whose `credentials` or `clientSecret` (or both) is a
 * provider; a plain value is answered as it is. Throws nothing.
 */
export function createSecretSource(
  credentials: Credentials | CredentialsProvider | undefined,
  clientSecret: string | SecretProvider | undefined,
): SecretSource {
  let kept: AccountSecrets | undefined;
  let asking: Promise<AccountSecrets> | undefined;

  async function askProviders(): Promise<AccountSecrets> {
    let path = 'credentials';
    try {
      const answer: { credentials?: Credentials; clientSecret?: string } = {};
      const account = typeof credentials === 'function' ? await credentials() : credentials;
      if (account !== undefined) answer.credentials = account;
      path = 'oauth.clientSecret';
      const secret = typeof clientSecret === 'function' ? await clientSecret() : clientSecret;
      if (secret !== undefined) answer.clientSecret = secret;
      return answer;
    } catch (error) {
      throw new AfilnetValidationError('INVALID_CONFIG', `The ${path} provider failed`, {
        issues: [{ path, message: 'the provider threw or rejected' }],
        cause: sanitizeCause(error),
      });
    }
  }

  function ask(): Promise<AccountSecrets> {
    asking ??= askProviders().then(
      (answer) => {
        asking = undefined;
        // An unchanged answer keeps the object, so that the transport built from it is kept too.
        if (kept === undefined || !same(kept, answer)) kept = answer;
        return kept;
      },
      (error: unknown) => {
        asking = undefined;
        throw error;
      },
    );
    return asking;
  }

  return {
    current: () => (kept !== undefined ? Promise.resolve(kept) : ask()),
    async renew(refused) {
      if (kept !== undefined && !same(kept, refused)) return true;
      return !same(await ask(), refused);
    },
  };
}
