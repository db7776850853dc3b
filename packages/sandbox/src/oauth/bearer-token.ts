/** Reading the bearer token of a request (RFC 6750 §2.1). */
import type { IncomingHttpHeaders } from 'node:http';

/** The token of an `Authorization: Bearer` header, or `undefined` when there is none. */
export function bearerTokenOf(headers: IncomingHttpHeaders): string | undefined {
  const match = /^bearer[ \t]+([A-Za-z0-9\-._~+/]+=*)[ \t]*$/i.exec(headers.authorization ?? '');
  return match ? match[1] : undefined;
}
