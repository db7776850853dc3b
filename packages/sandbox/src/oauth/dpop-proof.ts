/**
 * Checking DPoP proofs (RFC 9449 §4.3): a JWT signed with the key it carries, naming the
 * request's method and URL, fresh, never replayed, and on resource requests bound to the access
 * token by its hash. The sandbox accepts ES256 proofs, the algorithm its client uses.
 */
import { createHash, createPublicKey, verify } from 'node:crypto';
import { jwkThumbprint } from './jwk-thumbprint.js';

/** How far `iat` may be from the sandbox's clock (RFC 9449 §11.1). */
const IAT_WINDOW_MS = 60_000;

/** What a proof must match. */
export interface ProofExpectation {
  readonly method: string;
  /** The request's URL without query or fragment (RFC 9449 §4.3 item 9). */
  readonly url: string;
  /** On a resource request, the access token the proof must be bound to (`ath`). */
  readonly accessToken?: string;
}

function decodeSegment(segment: string | undefined): Record<string, unknown> | undefined {
  if (segment === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Verifies proofs and remembers their `jti` for the window, to refuse replays. */
export class DpopProofVerifier {
  readonly #seen = new Map<string, number>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** The proof key's thumbprint (RFC 7638) when `proof` is valid for `expected`, else `undefined`. */
  verify(proof: string | undefined, expected: ProofExpectation): string | undefined {
    const parts = proof?.split('.') ?? [];
    if (parts.length !== 3) return undefined;
    const [encodedHeader, encodedPayload, signature] = parts as [string, string, string];
    const header = decodeSegment(encodedHeader);
    const payload = decodeSegment(encodedPayload);
    if (header === undefined || payload === undefined) return undefined;
    const jwk = header.jwk;
    if (
      header.typ !== 'dpop+jwt' ||
      header.alg !== 'ES256' ||
      typeof jwk !== 'object' ||
      jwk === null ||
      'd' in jwk
    )
      return undefined;

    let valid = false;
    try {
      const key = createPublicKey({ key: jwk as Record<string, string>, format: 'jwk' });
      valid = verify(
        'sha256',
        Buffer.from(`${encodedHeader}.${encodedPayload}`),
        { key, dsaEncoding: 'ieee-p1363' },
        Buffer.from(signature, 'base64url'),
      );
    } catch {
      return undefined;
    }
    if (!valid) return undefined;

    const now = this.#now();
    const iat = payload.iat;
    if (typeof iat !== 'number' || Math.abs(iat * 1000 - now) > IAT_WINDOW_MS) return undefined;
    if (payload.htm !== expected.method || payload.htu !== expected.url) return undefined;
    if (expected.accessToken !== undefined) {
      const ath = createHash('sha256').update(expected.accessToken).digest('base64url');
      if (payload.ath !== ath) return undefined;
    }
    const jti = payload.jti;
    if (typeof jti !== 'string' || jti === '') return undefined;
    for (const [seen, at] of this.#seen) if (now - at > 2 * IAT_WINDOW_MS) this.#seen.delete(seen);
    if (this.#seen.has(jti)) return undefined;
    this.#seen.set(jti, now);
    return jwkThumbprint(jwk as Record<string, unknown>);
  }
}
