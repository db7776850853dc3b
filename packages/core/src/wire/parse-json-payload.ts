/**
 * Reading a JSON body into a {@link WirePayload}, shared by the GET, POST, Basic and JSON
 * flavours.
 */
import type { HttpResponse } from '../http/http-executor.js';
import {
  type TransportCallContext,
  wireResponse,
  type WirePayload,
  type WireResponse,
} from '../transport/transport.js';
import { listingFilterOf, readListFiltered } from './listing-filter.js';

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
 * body read by {@link parseJsonPayload}. Never throws.
 *
 * Pass the call's `context`: when the caller repeats this call (a listener's `getchats` of each
 * channel, every poll) and says which items of a list answer it already knows, those are then
 * left out of the answer unparsed (wire/listing-filter.ts).
 */
export function jsonWireResponse(
  response: HttpResponse,
  context?: TransportCallContext,
): WireResponse {
  const filter = listingFilterOf(context);
  if (filter !== undefined && response.bytes !== undefined) {
    const payload = readListFiltered(response.bytes, filter);
    if (payload !== undefined) return wireResponse(response, payload);
  }
  return wireResponse(response, parseJsonPayload(response.body));
}
