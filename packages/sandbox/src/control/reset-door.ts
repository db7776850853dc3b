/** `POST /__sandbox/reset`: forgets every conversation, request and chaos rule. */
import { allowMethods } from '../http/respond.js';
import { readJsonBody } from './json-body.js';
import type { Door } from '../http/door.js';

/** Creates the reset door over the sandbox's own `reset()`. */
export function createResetDoor(reset: () => void, path = '/__sandbox/reset'): Door {
  return {
    path,
    handle(req, res, { body }) {
      if (!allowMethods(req, res, ['POST'])) return;
      // `curl -X POST …/reset` sends no body and no content type. Browsers send Origin with every
      // POST (and Sec-Fetch-Site), so a bare request without them comes from no web page, and the
      // JSON rule, which stops other sites' forms, still holds for every request a page can make.
      const bare =
        body === '' &&
        req.headers.origin === undefined &&
        req.headers['sec-fetch-site'] === undefined;
      if (!bare && readJsonBody(req, res, body, true) === undefined) return;
      reset();
      res.writeHead(204).end();
    },
  };
}
