/**
 * The form encoder of the GET, POST and Basic flavours: the fixed head of each method's fields
 * (`class`, `method`, and the credentials where they travel in the form) is encoded once, and
 * only the parameters are encoded per call; of those, the names come from the method table, so
 * each name's `name=` is encoded once too, and only the values are encoded per call.
 */
import { encodeForm, percentEncode } from './encode-form.js';
import type { ChatMethod } from './methods.js';
import type { Credentials, WireRequest } from '../transport/transport.js';
import { wireFields } from './wire-fields.js';

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
