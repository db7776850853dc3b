/**
 * The flat field list of the HTTP flavours: `class`, `method`, optional credentials, then the
 * method's parameters in the order of the method table (`CHAT_METHODS`).
 */
import { CHAT_CLASS } from './methods.js';
import type { Credentials, WireRequest } from '../transport/transport.js';

/**
 * Returns `[name, value]` pairs for a request: `class`, `method`, then `user` and `password`
 * when credentials are given (GET and POST carry them as fields; Basic does not), then the
 * parameters.
 */
export function wireFields(
  request: WireRequest,
  credentials?: Credentials,
): Array<readonly [string, string]> {
  const fields: Array<readonly [string, string]> = [
    ['class', CHAT_CLASS],
    ['method', request.method],
  ];
  if (credentials) fields.push(['user', credentials.user], ['password', credentials.password]);
  for (const pair of request.params) fields.push(pair);
  return fields;
}

/** Joins a base URL and a path with exactly one `/` between them. */
export function joinUrl(baseUrl: string, path: string): string {
  const base = baseUrl.endsWith('/') ? baseUrl.slice(0, -1) : baseUrl;
  return path.startsWith('/') ? base + path : `${base}/${path}`;
}
