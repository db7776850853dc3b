/**
 * Reading a JSON body into a {@link WirePayload}, shared by the GET, POST, Basic and JSON
 * flavours.
 */
import type { HttpResponse } from '../http/http-executor.js';
import { wireResponse, type WirePayload, type WireResponse } from '../transport/transport.js';

/**
 * Parses `body` as JSON. Never throws: a body that is not JSON is `unparseable`. A body with a
 * UTF-8 byte-order mark is accepted (some PHP stacks emit one).
 */
export function parseJsonPayload(body: string): WirePayload {
  const text = body.charCodeAt(0) === 0xfeff ? body.slice(1) : body;
  try {
    return { kind: 'envelope', value: JSON.parse(text) as unknown };
  } catch {
    return { kind: 'unparseable', reason: text.trim() === '' ? 'empty body' : 'body is not JSON' };
  }
}

/**
 * The {@link WireResponse} of an HTTP answer whose body is JSON: its status and headers, and its
 * body read by {@link parseJsonPayload}. Never throws. A function of its own rather than a
 * closure, so that a transport can hand it to `.then()` without making one per call.
 */
export function jsonWireResponse(response: HttpResponse): WireResponse {
  return wireResponse(response, parseJsonPayload(response.body));
}
