/**
 * The key a token is kept under in a shared token store: it names everything the token
 * is good for, so that a token serves only the credentials that obtained it and only the API
 * it was obtained for. Two clients sharing a store (a Redis fleet, one memory store given to
 * several clients) then share a token only when they would have got the same one themselves.
 */
import { createHash, scrypt } from 'node:crypto';

/** What a token is good for: the parts of its store key. */
export interface TokenStoreKeyParts {
  /** The token endpoint, or the issuer whose metadata names it. */
  readonly tokenEndpoint: string;
  readonly clientId: string;
  readonly scope: string | undefined;
  /** The origin of the API the token is sent to (RFC 6454). */
  readonly apiOrigin: string;
}

/**
 * scrypt's cost (RFC 7914 §2): N = 2^15, r = 8, p = 1 takes about 100 ms and 32 MiB once per
 * client, so that trying candidate secrets against a store's keys costs as much per guess.
 */
const SCRYPT = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;
const FINGERPRINT_BYTES = 32;
const KEY_PREFIX = 'afilnet-chat:oauth:v2:';

/**
 * Fingerprints computed in this process, by a fast hash of what they were computed from, so
 * that clients created again with the same credentials (one per job, say) pay scrypt once. The
 * process holds the secrets themselves anyway; the oldest entries go past the limit.
 */
const computed = new Map<string, Promise<string>>();
const COMPUTED_LIMIT = 64;

/**
 * The salted, slow, one-way fingerprint of a client secret (RFC 7914 scrypt), base64url. The
 * salt names the token endpoint and client id, so that one guess tests one client only, while
 * every process of a fleet with the same client computes the same fingerprint. Computed once per
 * process for the same endpoint, client id and secret.
 *
 * @throws what `scrypt` throws (not enough memory), through the promise.
 */
export function secretFingerprint(
  parts: Pick<TokenStoreKeyParts, 'tokenEndpoint' | 'clientId'>,
  secret: string,
): Promise<string> {
  const salt = JSON.stringify(['afilnet-chat token store', parts.tokenEndpoint, parts.clientId]);
  const memoKey = createHash('sha256').update(salt).update('\0').update(secret).digest('base64url');
  const known = computed.get(memoKey);
  if (known !== undefined) return known;
  const fingerprint = new Promise<string>((resolve, reject) => {
    scrypt(secret, salt, FINGERPRINT_BYTES, SCRYPT, (error, derived) => {
      if (error) reject(error);
      else resolve(derived.toString('base64url'));
    });
  });
  computed.set(memoKey, fingerprint);
  if (computed.size > COMPUTED_LIMIT) computed.delete(computed.keys().next().value as string);
  // A failure (memory) is not remembered: the next client tries again.
  fingerprint.catch(() => computed.delete(memoKey));
  return fingerprint;
}

/**
 * The store key of a client: its token endpoint, client id, scope and API origin, and `proof`
 * (the {@link secretFingerprint} of its secret, or for a DPoP client a random part of its own).
 * The parts are JSON-encoded, so that no two different clients can make the same key. Throws
 * nothing.
 */
export function tokenStoreKey(parts: TokenStoreKeyParts, proof: string): string {
  return (
    KEY_PREFIX +
    JSON.stringify([parts.tokenEndpoint, parts.clientId, parts.scope ?? '', parts.apiOrigin, proof])
  );
}
