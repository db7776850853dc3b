/**
 * The request log's one writer: every API call is published as a `request` event once its
 * connection closes, with what its door answered, whether or not a chaos rule applied to it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Journal } from '../state/journal.js';
import type { ApiAnswer } from './api-door.js';
import type { ApiRequest } from './api-request.js';

/** Longer method names are cut: the request log keeps the name of every request, so each must stay small. */
const METHOD_NAME_LIMIT = 64;

/** A W3C `traceparent` (version 00): version, trace id, parent id, flags; an all-zero id is invalid. */
const TRACEPARENT = /^00-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/;

/**
 * The trace id of a `traceparent` header, so that a developer can go from a request in the inbox
 * to its trace; `undefined` when absent or malformed.
 *
 * @see https://www.w3.org/TR/trace-context/#traceparent-header
 */
function traceIdOf(header: string | string[] | undefined): string | undefined {
  const id = typeof header === 'string' ? TRACEPARENT.exec(header.trim())?.[1] : undefined;
  return id === undefined || /^0+$/.test(id) ? undefined : id;
}

/** One API call being answered. */
export interface ApiCallRecord {
  /**
   * Runs the door (at most once) and keeps what it answered for the log; resolves or rejects as
   * the door does.
   */
  answer(door: () => ApiAnswer | Promise<ApiAnswer>): Promise<void>;
}

/**
 * Starts recording `api`, read from the request before any door ran; `chaos` describes the fault
 * a chaos rule injected, if one did. The log's status is 0 when no answer was sent.
 */
export function recordApiCall(
  journal: Journal,
  api: ApiRequest,
  req: IncomingMessage,
  res: ServerResponse,
  chaos?: string,
): ApiCallRecord {
  const started = performance.now();
  const traceId = traceIdOf(req.headers.traceparent);
  let answering: Promise<ApiAnswer> | undefined;
  res.once('close', () => {
    const status = res.headersSent ? res.statusCode : 0;
    const durationMs = Math.round((performance.now() - started) * 10) / 10;
    const publish = (answer: ApiAnswer) => {
      const method =
        answer.method === undefined || answer.method === '' ? api.method : answer.method;
      journal.requestAnswered({
        flavour: api.flavour,
        method: method.slice(0, METHOD_NAME_LIMIT),
        status,
        ...(answer.code === undefined ? {} : { code: answer.code }),
        durationMs,
        ...(chaos === undefined ? {} : { chaos }),
        ...(traceId === undefined ? {} : { traceId }),
      });
    };
    // A call whose door never ran (dropped, or closed by its client during a delay) is logged at
    // once; one whose door ran is logged with the door's answer, which may come a moment after the
    // connection closed when the door awaits something after answering.
    if (answering === undefined) publish({});
    else answering.then(publish, () => publish({}));
  });
  return {
    answer(door) {
      answering ??= (async () => door())();
      return answering.then(() => undefined);
    },
  };
}
