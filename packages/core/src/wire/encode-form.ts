/**
 * Percent-encoding of parameters for query strings and `application/x-www-form-urlencoded`
 * bodies, shared by the GET, POST and Basic flavours.
 */

const SUB_DELIMS = /[!'()*]/g;
const HAS_SUB_DELIM = /[!'()*]/;
const ONLY_UNRESERVED = /^[A-Za-z0-9\-._~]*$/;

function hexOf(char: string): string {
  return `%${char.charCodeAt(0).toString(16).toUpperCase()}`;
}

/**
 * Percent-encodes every UTF-8 byte outside RFC 3986's unreserved set (`A–Z a–z 0–9 - . _ ~`)
 * with upper-case hex (RFC 3986 §2.1, §2.3): a space is `%20`, `+` is `%2B`, and `!'()*` are
 * encoded too. The input must be well-formed UTF-16 (core's input schemas refuse lone
 * surrogates before anything is encoded); a lone surrogate throws `URIError`.
 */
export function percentEncode(value: string): string {
  // Platforms, ids, phone numbers and the like need no encoding: a pattern test is much cheaper
  // than encodeURIComponent (a call into the runtime), which would return them unchanged.
  if (ONLY_UNRESERVED.test(value)) return value;
  const encoded = encodeURIComponent(value);
  // Most values hold none of !'()*: testing is cheaper than a replace that allocates.
  return HAS_SUB_DELIM.test(encoded) ? encoded.replace(SUB_DELIMS, hexOf) : encoded;
}

/**
 * Encodes `name=value` pairs joined with `&`, in the order given, each side with
 * {@link percentEncode}. The result is valid both as a query string (RFC 3986) and as an
 * `application/x-www-form-urlencoded` body (WHATWG URL §5, where `%20` is a legal space).
 */
export function encodeForm(fields: ReadonlyArray<readonly [string, string]>): string {
  let out = '';
  for (const [name, value] of fields) {
    if (out.length > 0) out += '&';
    out += `${percentEncode(name)}=${percentEncode(value)}`;
  }
  return out;
}
