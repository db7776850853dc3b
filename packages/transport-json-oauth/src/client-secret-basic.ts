/**
 * `client_secret_basic` client authentication (RFC 6749 §2.3.1), with the id and secret
 * form-urlencoded by the WHATWG serializer (docs/json-oauth.md, "Decisions where the standards
 * leave room").
 */
import type { ClientAuth } from 'oauth4webapi';

/**
 * One value encoded by the `application/x-www-form-urlencoded` serializer of the WHATWG URL
 * standard (§5.2), the current definition of the encoding RFC 6749 Appendix B names: space as
 * `+`, `*-._` and alphanumerics kept, every other UTF-8 byte as `%XX`.
 */
function formUrlEncode(value: string): string {
  return new URLSearchParams([['', value]]).toString().slice(1);
}

/**
 * The `Authorization: Basic` value of RFC 6749 §2.3.1: client id and secret each
 * form-urlencoded, then joined with `:` and base64-encoded, so that `demo@example.com` travels
 * as `demo%40example.com`. The Basic flavour, by contrast, follows RFC 7617 and sends them raw.
 */
export function clientSecretBasicHeader(clientId: string, clientSecret: string): string {
  return `Basic ${Buffer.from(`${formUrlEncode(clientId)}:${formUrlEncode(clientSecret)}`, 'utf8').toString('base64')}`;
}

/**
 * oauth4webapi client authentication sending {@link clientSecretBasicHeader}.
 *
 * oauth4webapi's own `ClientSecretBasic` follows the older HTML 4.01 rule and also escapes
 * `.`, `-`, `_` and `*`; a server decodes both alike, and this sends the WHATWG form
 * (`demo%40example.com`), the current definition of the encoding RFC 6749 names.
 */
export function clientSecretBasic(clientSecret: string): ClientAuth {
  return (_as, client, _body, headers) => {
    headers.set('authorization', clientSecretBasicHeader(client.client_id, clientSecret));
  };
}
