/**
 * The doors of the API itself. Besides answering, each returns what it answered (the method its
 * call named and the API error code), which the request log records: a door is the only one that
 * knows, once it has decoded the call.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DoorContext } from '../http/door.js';
import type { Envelope } from './chat-api.js';

/**
 * What an API door answered. `method` is left out when the door never read one (the call is then
 * logged under the method read before it ran); `code` when it answered no API error.
 */
export interface ApiAnswer {
  readonly method?: string | undefined;
  readonly code?: string | undefined;
}

/** A front door of the API: one path, one flavour's encoding and authentication. */
export interface ApiDoor {
  /** The path it serves, e.g. `/api/http/` (compared without the query string). */
  readonly path: string;
  /** Answers one request and says what it answered; a throw or rejection is answered 500 by the sandbox. */
  handle(
    req: IncomingMessage,
    res: ServerResponse,
    context: DoorContext,
  ): ApiAnswer | Promise<ApiAnswer>;
}

/** Nothing known about the call: the door refused the request before reading it. */
export const UNREAD: ApiAnswer = {};

/** The answer to a call of `method` that the API answered with `envelope`. */
export function answered(method: string | undefined, envelope: Envelope): ApiAnswer {
  return { method, code: envelope.status === 'error' ? envelope.error : undefined };
}
