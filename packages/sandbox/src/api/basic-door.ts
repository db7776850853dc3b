/**
 * The Basic-auth flavour (`/api/basic/`): the credentials in `Authorization: Basic`
 * (RFC 7617, user-pass as raw UTF-8), the other fields in the query string (GET) or a form body
 * (POST). Fields named `user` or `password` are ignored: this door reads credentials from the
 * header only.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { answered, type ApiDoor, UNREAD } from './api-door.js';
import { handleChatCall, type CallerAuth } from './chat-api.js';
import { readFormRequest } from '../http/read-form-request.js';
import { sendJson } from '../http/respond.js';
import { callFromFields } from './call-from-fields.js';

/** The challenge of every 401 (RFC 7617 §2, §2.1). */
export const BASIC_CHALLENGE = 'Basic realm="afilnet", charset="UTF-8"';

const AUTH_CODES = new Set(['MISSING_USER', 'MISSING_PASSWORD', 'INCORRECT_USER_PASSWORD']);

/** The caller's user and password as the header gives them (either may be missing). */
function basicCredentials(headers: IncomingHttpHeaders): CallerAuth {
  const match = /^Basic[ ]+([A-Za-z0-9+/]+={0,2})[ ]*$/i.exec(headers.authorization ?? '');
  if (!match) return { kind: 'password', user: undefined, password: undefined };
  const decoded = Buffer.from(match[1] as string, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return { kind: 'password', user: decoded, password: undefined };
  return { kind: 'password', user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** Creates the `/api/basic/` door. */
export function createBasicDoor(path = '/api/basic/'): ApiDoor {
  return {
    path,
    handle(req, res, { state, url, body }) {
      const fields = readFormRequest(req, res, url, body);
      if (fields === undefined) return UNREAD;
      fields.delete('user');
      fields.delete('password');
      const call = callFromFields(fields, basicCredentials(req.headers));
      const envelope = handleChatCall(state, call);
      if (envelope.status === 'error' && AUTH_CODES.has(envelope.error)) {
        sendJson(res, 401, envelope, { 'www-authenticate': BASIC_CHALLENGE });
      } else {
        sendJson(res, 200, envelope);
      }
      return answered(call.method, envelope);
    },
  };
}
