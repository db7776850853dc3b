/**
 * `GET /` (SPEC §12): the inbox page, its style sheet and its script modules, all served from
 * the sandbox package itself, so the page works offline. The script is the package's `ui/`
 * sources compiled into `dist/ui/`.
 */
import { readdir, readFile } from 'node:fs/promises';
import type { Door } from '../http/door.js';
import { INBOX_CSS, INBOX_ICON } from './inbox-assets.js';
import { INBOX_HTML } from './inbox-html.js';
import { allowMethods } from '../http/respond.js';

/**
 * Where the compiled page script lives: the same two levels up from `src/inbox/` (tests run the
 * sources) and from `dist/inbox/` (the published package).
 */
const UI_DIRECTORY = new URL('../../dist/ui/', import.meta.url);

/** The page's own policy: nothing but its own origin, so no message can bring in a script. */
const PAGE_HEADERS = {
  'content-security-policy': "default-src 'self'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

function staticDoor(path: string, contentType: string, content: string | Buffer): Door {
  return {
    path,
    handle(req, res) {
      if (!allowMethods(req, res, ['GET', 'HEAD'])) return;
      res.writeHead(200, { ...PAGE_HEADERS, 'content-type': contentType, 'content-length': Buffer.byteLength(content) });
      res.end(req.method === 'HEAD' ? undefined : content);
    },
  };
}

async function scriptDoors(): Promise<Door[]> {
  let names: string[];
  try {
    names = (await readdir(UI_DIRECTORY)).filter((name) => /^[\w-]+\.js$/.test(name));
  } catch {
    // Not built yet: the page is served without its script and says nothing live.
    return [];
  }
  return Promise.all(
    names.map(async (name) => staticDoor(`/inbox/${name}`, 'text/javascript; charset=utf-8', await readFile(new URL(name, UI_DIRECTORY)))),
  );
}

/** Creates the doors of the page, its style sheet and every compiled script module. */
export async function createInboxDoors(): Promise<Door[]> {
  return [
    staticDoor('/', 'text/html; charset=utf-8', INBOX_HTML),
    staticDoor('/inbox/inbox.css', 'text/css; charset=utf-8', INBOX_CSS),
    staticDoor('/inbox/icon.svg', 'image/svg+xml', INBOX_ICON),
    ...(await scriptDoors()),
  ];
}
