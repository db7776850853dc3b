/**
 * Reading a control API body. Only `application/json` is accepted: a form on another site can
 * post `text/plain` or form bodies to 127.0.0.1 without the browser asking first (CORS "simple"
 * requests), never JSON.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isJsonContentType } from '../http/media-type.js';
import { isLoopbackAddress } from '../http/loopback-address.js';
import { allowMethods, sendJson } from '../http/respond.js';

/** A parsed JSON body, or `undefined` once a 415 or 400 has been answered. */
export type JsonBody = { readonly value: unknown } | undefined;

/**
 * The body as JSON; an empty body reads as `undefined` when `allowEmpty`. Answers 415 for any
 * other content type and 400 for a body that does not parse.
 */
export function readJsonBody(
  req: IncomingMessage,
  res: ServerResponse,
  body: string,
  allowEmpty = false,
): JsonBody {
  if (!isJsonContentType(req.headers['content-type'])) {
    sendJson(res, 415, { error: 'the control API accepts only application/json bodies' });
    return undefined;
  }
  if (allowEmpty && body.trim() === '') return { value: undefined };
  try {
    return { value: JSON.parse(body) as unknown };
  } catch {
    sendJson(res, 400, { error: 'the body is not valid JSON' });
    return undefined;
  }
}

/**
 * The body of a control route that changes the sandbox's data: only a POST from a loopback
 * address, as JSON. Answers 403 (naming `route`, e.g. `inbound injection`), 405, 415 or 400 and
 * gives `undefined` otherwise.
 */
export function readLoopbackJsonPost(
  req: IncomingMessage,
  res: ServerResponse,
  body: string,
  route: string,
): JsonBody {
  if (!isLoopbackAddress(req.socket.remoteAddress)) {
    sendJson(res, 403, { error: `${route} is only accepted from loopback` });
    return undefined;
  }
  if (!allowMethods(req, res, ['POST'])) return undefined;
  return readJsonBody(req, res, body);
}
