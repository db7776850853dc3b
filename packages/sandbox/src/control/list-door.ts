/**
 * `GET /__sandbox/messages`, `GET /__sandbox/requests` and `GET /__sandbox/requests/counts`: JSON,
 * filtered by the query string's fields (`?destination=346&direction=outbound`); `DELETE` on a
 * list that can be cleared forgets what it holds.
 */
import type { Door } from '../http/door.js';
import { allowMethods, sendJson } from '../http/respond.js';

/** Creates a door answering what `list` gives for the query string's filter, and clearing it with `clear` when given. */
export function createListDoor(
  path: string,
  list: (filter: Record<string, string>) => object,
  clear?: () => void,
): Door {
  return {
    path,
    handle(req, res, { url }) {
      if (!allowMethods(req, res, clear === undefined ? ['GET'] : ['GET', 'DELETE'])) return;
      if (req.method === 'DELETE' && clear !== undefined) {
        clear();
        res.writeHead(204).end();
        return;
      }
      sendJson(res, 200, list(Object.fromEntries(url.searchParams)), {
        'cache-control': 'no-store',
      });
    },
  };
}
