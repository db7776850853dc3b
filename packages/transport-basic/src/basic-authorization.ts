/**
 * The `Authorization` header value of the Basic flavour (RFC 7617 §2).
 */
import type { Credentials } from '@afilnet-chat/core';

/**
 * `Basic base64(utf8(user ":" password))`: the user-pass built from the raw UTF-8 bytes, as
 * RFC 7617 §2.1 prescribes with `charset="UTF-8"` (no form-encoding first, unlike OAuth's
 * `client_secret_basic`). The caller has refused a user holding `:` and any CR/LF.
 */
export function basicAuthorization(credentials: Credentials): string {
  return `Basic ${Buffer.from(`${credentials.user}:${credentials.password}`, 'utf8').toString('base64')}`;
}
