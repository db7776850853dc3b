/** `POST /__sandbox/reset` (SPEC §12): forgets every conversation, request and chaos rule. */
import { allowMethods, readJsonBody } from '../control/json-body.js';
import type { Door } from '../door.js';

/** Creates the reset door over the sandbox's own `reset()`. */
export function createResetDoor(reset: () => void, path = '/__sandbox/reset'): Door {
  return {
    path,
    handle(req, res, { body }) {
      if (!allowMethods(req, res, ['POST'])) return;
      if (readJsonBody(req, res, body, true) === undefined) return;
      reset();
      res.writeHead(204).end();
    },
  };
}
