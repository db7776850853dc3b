/**
 * `POST /__sandbox/inbound`: injects an inbound message, as if the contact had
 * written. Only accepted from loopback addresses, and only as `application/json`.
 */
import { readJsonBody } from './json-body.js';
import type { Door } from '../http/door.js';
import { allowMethods, sendJson } from '../http/respond.js';
import { injectInbound, type InboundMessage } from './inject-inbound.js';
import { isLoopbackAddress } from '../http/loopback-address.js';

/** Creates the inbound-injection door. */
export function createInboundDoor(path = '/__sandbox/inbound'): Door {
  return {
    path,
    handle(req, res, { state, body }) {
      if (!isLoopbackAddress(req.socket.remoteAddress)) {
        sendJson(res, 403, { error: 'inbound injection is only accepted from loopback' });
        return;
      }
      if (!allowMethods(req, res, ['POST'])) return;
      const json = readJsonBody(req, res, body);
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
