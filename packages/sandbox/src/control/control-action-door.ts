/**
 * A control route that changes the sandbox's data (`POST /__sandbox/inbound/bulk`,
 * `POST /__sandbox/channels`): a JSON body in, the action's result out as JSON, or 400 with the
 * action's `TypeError` message, in which case nothing changed. Only accepted from loopback
 * addresses, as inbound injection is.
 */
import type { Door } from '../http/door.js';
import { sendJson } from '../http/respond.js';
import type { SandboxState } from '../state/sandbox-state.js';
import { readLoopbackJsonPost } from './json-body.js';

/** Creates a door that runs `action` on each POSTed body and answers its result with `status`. */
export function createControlActionDoor(
  path: string,
  action: (state: SandboxState, body: unknown) => unknown,
  status = 200,
): Door {
  return {
    path,
    handle(req, res, { state, body }) {
      const json = readLoopbackJsonPost(req, res, body, 'this control route');
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
