/**
 * `GET /__sandbox/messages` and `GET /__sandbox/requests` (SPEC §12): a JSON array, oldest first,
 * filtered by the query string's fields (`?destination=346&direction=outbound`).
 */
import { allowMethods } from '../control/json-body.js';
import type { Door } from '../door.js';
import { sendJson } from '../respond.js';

/** Creates a door listing what `list` answers for the query string's filter. */
export function createListDoor(path: string, list: (filter: Record<string, string>) => readonly object[]): Door {
  return {
    path,
    handle(req, res, { url }) {
      if (!allowMethods(req, res, ['GET'])) return;
      sendJson(res, 200, list(Object.fromEntries(url.searchParams)), { 'cache-control': 'no-store' });
    },
  };
}
