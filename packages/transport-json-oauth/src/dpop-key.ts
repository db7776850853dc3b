/**
 * The client's proof-of-possession key (DPoP, RFC 9449): one ES256 key pair per transport, made
 * on first use, its private key not extractable, never stored or shared.
 */
import * as oauth from 'oauth4webapi';

/** Answers the transport's DPoP handle, making the key pair on the first call. */
export type DPoPKey = () => Promise<oauth.DPoPHandle>;

/**
 * Creates a lazy DPoP key. The handle signs the proofs oauth4webapi attaches to token and API
 * requests (RFC 9449 §4) and remembers nonces servers hand out (§8, §9).
 */
export function createDpopKey(): DPoPKey {
  let handle: Promise<oauth.DPoPHandle> | undefined;
  return () => {
    handle ??= oauth.generateKeyPair('ES256').then((keyPair) => oauth.DPoP({}, keyPair));
    // A failure (no WebCrypto) is not remembered: the next call tries again.
    handle.catch(() => {
      handle = undefined;
    });
    return handle;
  };
}
