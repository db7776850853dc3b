/**
 * Form encoding for the GET, POST and Basic flavours: percent-encoding of parameters for query
 * strings and `application/x-www-form-urlencoded` bodies, and the method form encoder built on
 * it. The encoder encodes the fixed head of each method's fields (`class`, `method`, and the
 * credentials where they travel in the form) once, and only the parameters per call; of those,
 * the names come from the method table, so each name's `name=` is encoded once too, and only the
 * values are encoded per call.
 */
import type { Credentials, WireRequest } from '../transport/transport.js';
import type { ChatMethod } from './methods.js';
import { wireFields } from './wire-fields.js';

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

/** The most parameter names one encoder keeps encoded. */
const MAX_CACHED_NAMES = 64;

/** Encodes a request's fields as `name=value&…` (see `encodeForm`). */
export type FormEncoder = (request: WireRequest) => string;

/**
 * Creates an encoder producing exactly `encodeForm(wireFields(request, credentials))`, caching
 * the encoded head per method.
 */
export function createFormEncoder(credentials?: Credentials): FormEncoder {
  const heads = new Map<ChatMethod, string>();
  // `&name=` per parameter name: the method table has a dozen names; past MAX_CACHED_NAMES (a
  // transport author's requests with names of their own), names are encoded each time.
  const names = new Map<string, string>();
  return (request) => {
    let out = heads.get(request.method);
    if (out === undefined) {
      out = encodeForm(wireFields({ method: request.method, params: [] }, credentials));
      heads.set(request.method, out);
    }
    for (const [name, value] of request.params) {
      let prefix = names.get(name);
      if (prefix === undefined) {
        prefix = `&${percentEncode(name)}=`;
        if (names.size < MAX_CACHED_NAMES) names.set(name, prefix);
      }
      out += prefix + percentEncode(value);
    }
    return out;
  };
}
