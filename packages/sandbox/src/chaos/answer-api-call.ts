/**
 * Answering one API call under the chaos rules (SPEC §12), and publishing it as a `request`
 * event once its connection closes.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Journal } from '../state/journal.js';
import { requestNoteFor, withRequestNote } from '../state/request-note.js';
import type { TokenRegistry } from '../oauth/token-registry.js';
import { sendText } from '../http/respond.js';
import type { ApiRequest } from '../api/api-request.js';
import type { ChaosFault } from './chaos-rule.js';
import { describeFault } from './chaos-rules.js';

/** What answering a call needs besides the request itself. */
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

export interface ApiCallContext {
  readonly journal: Journal;
  readonly tokens: TokenRegistry;
  /** Aborted when the sandbox closes, ending any injected delay. */
  readonly closing: AbortSignal;
}

/** Drops the connection at once, with a TCP reset rather than an orderly close. */
function dropConnection(req: IncomingMessage): void {
  req.socket.resetAndDestroy();
}

/** Lets the door act but drops the connection instead of sending its answer. */
function dropAnswer(req: IncomingMessage, res: ServerResponse): void {
  const drop = () => {
    dropConnection(req);
    return res;
  };
  Object.assign(res, { writeHead: () => res, write: drop, end: drop });
}

/**
 * Runs `handle` (the door) for `api`, first applying `fault` when a chaos rule chose one: an
 * HTTP status instead of the door's answer, a delay before it, every token revoked before it, or
 * the connection dropped before the door acts or instead of its answer.
 */
export async function answerApiCall(
  context: ApiCallContext,
  api: ApiRequest,
  fault: ChaosFault | undefined,
  req: IncomingMessage,
  res: ServerResponse,
  handle: () => void | Promise<void>,
): Promise<void> {
  const started = performance.now();
  const note = requestNoteFor(api.method);
  const traceId = traceIdOf(req.headers.traceparent);
  res.once('close', () => {
    context.journal.requestAnswered({
      flavour: api.flavour,
      method: note.method,
      status: res.headersSent ? res.statusCode : 0,
      ...(note.code === undefined ? {} : { code: note.code }),
      durationMs: Math.round((performance.now() - started) * 10) / 10,
      ...(fault === undefined ? {} : { chaos: describeFault(fault) }),
      ...(traceId === undefined ? {} : { traceId }),
    });
  });
  if (fault !== undefined && 'status' in fault) {
    const retryAfter: Record<string, string> = fault.retryAfterSeconds === undefined ? {} : { 'retry-after': String(fault.retryAfterSeconds) };
    sendText(res, fault.status, `Sandbox chaos rule: HTTP ${fault.status}`, retryAfter);
    return;
  }
  if (fault !== undefined && 'delayMs' in fault) await sleep(fault.delayMs, undefined, { signal: context.closing });
  if (fault !== undefined && 'expireTokens' in fault) context.tokens.revokeAll();
  if (fault !== undefined && 'reset' in fault) {
    if (fault.reset === 'before-commit') {
      dropConnection(req);
      return;
    }
    dropAnswer(req, res);
  }
  await withRequestNote(note, handle);
}
