/** Reading the access token of a request: `Bearer` (RFC 6750 §2.1) or `DPoP` (RFC 9449 §7.1). */
import type { IncomingHttpHeaders } from 'node:http';

/** An access token and the scheme it came with. */
export interface PresentedToken {
  readonly scheme: 'bearer' | 'dpop';
  readonly token: string;
}

/** The token of an `Authorization: Bearer …` or `DPoP …` header, or `undefined` when there is none. */
export function presentedTokenOf(headers: IncomingHttpHeaders): PresentedToken | undefined {
  const match = /^(bearer|dpop)[ \t]+([A-Za-z0-9\-._~+/]+=*)[ \t]*$/i.exec(
    headers.authorization ?? '',
  );
  if (!match) return undefined;
  return {
    scheme: (match[1] as string).toLowerCase() as 'bearer' | 'dpop',
    token: match[2] as string,
  };
}
