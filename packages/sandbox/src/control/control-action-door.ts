/**
 * A control route that changes the sandbox's data (`POST /__sandbox/inbound/bulk`,
 * `POST /__sandbox/channels`): a JSON body in, the action's result out as JSON, or 400 with the
 * action's `TypeError` message, in which case nothing changed. Only accepted from loopback
 * addresses, as inbound injection is.
 */
import { readJsonBody } from './json-body.js';
import type { Door } from '../http/door.js';
import { allowMethods, sendJson } from '../http/respond.js';
import { isLoopbackAddress } from '../http/loopback-address.js';
import type { SandboxState } from '../state/sandbox-state.js';

/** Creates a door that runs `action` on each POSTed body and answers its result with `status`. */
export function createControlActionDoor(path: string, action: (state: SandboxState, body: unknown) => unknown, status = 200): Door {
  return {
    path,
    handle(req, res, { state, body }) {
      if (!isLoopbackAddress(req.socket.remoteAddress)) {
        sendJson(res, 403, { error: 'this control route is only accepted from loopback' });
        return;
      }
      if (!allowMethods(req, res, ['POST'])) return;
      const json = readJsonBody(req, res, body);
      if (json === undefined) return;
      let result: unknown;
      try {
        result = action(state, json.value);
      } catch (error) {
        if (!(error instanceof TypeError)) throw error;
        sendJson(res, 400, { error: error.message });
        return;
      }
      sendJson(res, status, result);
    },
  };
}
