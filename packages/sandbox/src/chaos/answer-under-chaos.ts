/**
 * Answering one API call under the chaos rules: a status instead of the door's answer, a delay
 * before it, every token revoked before it, or the connection dropped before the door acts or
 * instead of its answer.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { sendText } from '../http/respond.js';
import type { TokenRegistry } from '../oauth/token-registry.js';
import type { ChaosFault } from './chaos-rule.js';

/** What applying a fault needs besides the request itself. */
export interface ChaosContext {
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

/** Runs `door` for the request, first applying `fault` when a chaos rule chose one. */
export async function answerUnderChaos(
  context: ChaosContext,
  fault: ChaosFault | undefined,
  req: IncomingMessage,
  res: ServerResponse,
  door: () => Promise<void>,
): Promise<void> {
  if (fault !== undefined && 'status' in fault) {
    const retryAfter: Record<string, string> =
      fault.retryAfterSeconds === undefined
        ? {}
        : { 'retry-after': String(fault.retryAfterSeconds) };
    sendText(res, fault.status, `Sandbox chaos rule: HTTP ${fault.status}`, retryAfter);
    return;
  }
  if (fault !== undefined && 'delayMs' in fault)
    await sleep(fault.delayMs, undefined, { signal: context.closing });
  if (fault !== undefined && 'expireTokens' in fault) context.tokens.revokeAll();
  if (fault !== undefined && 'reset' in fault) {
    if (fault.reset === 'before-commit') {
      dropConnection(req);
      return;
    }
    dropAnswer(req, res);
  }
  await door();
}
