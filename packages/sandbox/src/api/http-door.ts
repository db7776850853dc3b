/**
 * The GET and POST flavours (`/api/http/`): every field, credentials included, in the
 * query string (GET) or the form body (POST).
 */
import { answered, type ApiDoor, UNREAD } from './api-door.js';
import { handleChatCall } from './chat-api.js';
import { readFormRequest } from '../http/read-form-request.js';
import { sendJson } from '../http/respond.js';
import { callFromFields } from './call-from-fields.js';

/** Creates the `/api/http/` door. */
export function createHttpDoor(path = '/api/http/'): ApiDoor {
  return {
    path,
    handle(req, res, { state, url, body }) {
      const fields = readFormRequest(req, res, url, body);
      if (fields === undefined) return UNREAD;
      const call = callFromFields(fields, {
        kind: 'password',
        user: fields.get('user'),
        password: fields.get('password'),
      });
      const envelope = handleChatCall(state, call);
      sendJson(res, 200, envelope);
      return answered(call.method, envelope);
    },
  };
}
