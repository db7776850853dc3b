/**
 * `POST /__sandbox/inbound`: injects an inbound message, as if the contact had
 * written. Only accepted from loopback addresses, and only as `application/json`.
 */
import type { Door } from '../http/door.js';
import { sendJson } from '../http/respond.js';
import { injectInbound, type InboundMessage } from './inject-inbound.js';
import { readLoopbackJsonPost } from './json-body.js';

/** Creates the inbound-injection door. */
export function createInboundDoor(path = '/__sandbox/inbound'): Door {
  return {
    path,
    handle(req, res, { state, body }) {
      const json = readLoopbackJsonPost(req, res, body, 'inbound injection');
      if (json === undefined) return;
      try {
        const stored = injectInbound(state, json.value as InboundMessage);
        sendJson(res, 201, { status: 'success', result: { messageid: stored.messageId } });
      } catch (error) {
        sendJson(res, 400, { error: error instanceof Error ? error.message : String(error) });
      }
    },
  };
}
