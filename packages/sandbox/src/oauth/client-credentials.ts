/**
 * Reading the client's credentials at the token endpoint (RFC 6749 §2.3.1): HTTP Basic with the
 * client id and secret form-urlencoded before base64 (`client_secret_basic`), or `client_id` and
 * `client_secret` in the form body (`client_secret_post`); never both.
 */
import type { IncomingHttpHeaders } from 'node:http';

/** The outcome of reading the client's credentials. */
export type ClientCredentials =
  | {
      readonly kind: 'credentials';
      readonly method: 'client_secret_basic' | 'client_secret_post';
      readonly clientId: string;
      readonly clientSecret: string;
    }
  /** Nothing usable was sent (RFC 6749 §5.2 `invalid_client`). */
  | { readonly kind: 'none'; readonly usedHeader: boolean }
  /** More than one method at once (RFC 6749 §2.3.1 forbids it: `invalid_request`). */
  | { readonly kind: 'ambiguous' };

/** Form-decodes one value (RFC 6749 Appendix B): `+` is a space, `%XX` are UTF-8 bytes. */
function formDecode(value: string): string | undefined {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

function fromBasicHeader(
  authorization: string,
): { clientId: string; clientSecret: string } | undefined {
  const match = /^basic[ \t]+([A-Za-z0-9+/]+=*)[ \t]*$/i.exec(authorization);
  if (!match) return undefined;
  const decoded = Buffer.from(match[1] as string, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  const clientId = formDecode(decoded.slice(0, colon));
  const clientSecret = formDecode(decoded.slice(colon + 1));
  if (!clientId || !clientSecret) return undefined;
  return { clientId, clientSecret };
}

/** Reads the client's credentials from the request's headers and form fields. */
export function readClientCredentials(
  headers: IncomingHttpHeaders,
  fields: ReadonlyMap<string, string>,
): ClientCredentials {
  const authorization = headers.authorization;
  const postId = fields.get('client_id');
  const postSecret = fields.get('client_secret');
  if (authorization !== undefined) {
    if (postSecret !== undefined) return { kind: 'ambiguous' };
    const basic = fromBasicHeader(authorization);
    if (basic === undefined) return { kind: 'none', usedHeader: true };
    return { kind: 'credentials', method: 'client_secret_basic', ...basic };
  }
  if (postId && postSecret)
    return {
      kind: 'credentials',
      method: 'client_secret_post',
      clientId: postId,
      clientSecret: postSecret,
    };
  return { kind: 'none', usedHeader: false };
}
