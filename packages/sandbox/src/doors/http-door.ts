/**
 * The GET and POST flavours (`/api/http/`, SPEC §3): every field, credentials included, in the
 * query string (GET) or the form body (POST).
 */
import { handleChatCall } from '../chat-api.js';
import type { Door } from '../door.js';
import { formFields, isFormContentType } from '../form-fields.js';
import { sendJson, sendText } from '../respond.js';
import { callFromFields } from './call-from-fields.js';

/** Creates the `/api/http/` door. */
export function createHttpDoor(path = '/api/http/'): Door {
  return {
    path,
    handle(req, res, { state, url, body }) {
      let fields: Map<string, string>;
      if (req.method === 'GET') fields = formFields(url.search);
      else if (req.method === 'POST' && isFormContentType(req.headers['content-type'])) fields = formFields(body);
      else if (req.method === 'POST') {
        sendText(res, 415, 'Unsupported Media Type: send application/x-www-form-urlencoded');
        return;
      } else {
        sendText(res, 405, 'Method Not Allowed', { allow: 'GET, POST' });
        return;
      }
      const call = callFromFields(fields, { kind: 'password', user: fields.get('user'), password: fields.get('password') });
      sendJson(res, 200, handleChatCall(state, call));
    },
  };
}
