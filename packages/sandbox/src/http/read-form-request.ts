/**
 * The fields of a GET or POST-form request, shared by the `/api/http/` and `/api/basic/` doors;
 * anything else is answered 415 or 405 here.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { formFields } from './form-fields.js';
import { isFormContentType } from './media-type.js';
import { sendText } from './respond.js';

/**
 * The query string's fields for GET, the form body's for a form POST; undefined once another
 * request has been answered (415 for a POST that is not a form, 405 for other methods).
 */
export function readFormRequest(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  body: string,
): Map<string, string> | undefined {
  if (req.method === 'GET') return formFields(url.search);
  if (req.method === 'POST' && isFormContentType(req.headers['content-type']))
    return formFields(body);
  if (req.method === 'POST')
    sendText(res, 415, 'Unsupported Media Type: send application/x-www-form-urlencoded');
  else sendText(res, 405, 'Method Not Allowed', { allow: 'GET, POST' });
  return undefined;
}
