/**
 * The form encoder of the GET, POST and Basic flavours: the fixed head of each method's fields
 * (`class`, `method`, and the credentials where they travel in the form) is encoded once, and
 * only the parameters are encoded per call.
 */
import { encodeForm } from './encode-form.js';
import type { ChatMethod } from './methods.js';
import type { Credentials, WireRequest } from './transport.js';
import { wireFields } from './wire-fields.js';

/** Encodes a request's fields as `name=value&…` (see `encodeForm`). */
export type FormEncoder = (request: WireRequest) => string;

/**
 * Creates an encoder producing exactly `encodeForm(wireFields(request, credentials))`, caching
 * the encoded head per method.
 */
export function createFormEncoder(credentials?: Credentials): FormEncoder {
  const heads = new Map<ChatMethod, string>();
  return (request) => {
    let head = heads.get(request.method);
    if (head === undefined) {
      head = encodeForm(wireFields({ method: request.method, params: [] }, credentials));
      heads.set(request.method, head);
    }
    return request.params.length === 0 ? head : `${head}&${encodeForm(request.params)}`;
  };
}
