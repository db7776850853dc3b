/**
 * `GET /`: the inbox page, its style sheet, icon and script modules, all served from the sandbox
 * package itself, so the page works offline. The page's files are the package's `ui/` folder:
 * `inbox.html`, `inbox.css` and `icon.svg` as they are, the script's TypeScript compiled into
 * `dist/ui/`. The markup is static: the script fills in every dynamic part through
 * `textContent`, never as HTML, and its accessible names are the ones tests and assistive
 * technology rely on. The style is a file of its own because the page's policy allows no inline
 * style.
 */
import { readdir, readFile } from 'node:fs/promises';
import type { Door } from '../http/door.js';
import { allowMethods } from '../http/respond.js';

/**
 * Where the page's files live, and its compiled script: the same two levels up from
 * `src/inbox/` (tests run the sources) and from `dist/inbox/` (the published package).
 */
const PAGE_DIRECTORY = new URL('../../ui/', import.meta.url);
const SCRIPT_DIRECTORY = new URL('../../dist/ui/', import.meta.url);

/** The page's own policy: nothing but its own origin, so no message can bring in a script. */
const PAGE_HEADERS = {
  'content-security-policy': "default-src 'self'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

function staticDoor(path: string, contentType: string, content: Buffer): Door {
  return {
    path,
    handle(req, res) {
      if (!allowMethods(req, res, ['GET', 'HEAD'])) return;
      res.writeHead(200, {
        ...PAGE_HEADERS,
        'content-type': contentType,
        'content-length': Buffer.byteLength(content),
      });
      res.end(req.method === 'HEAD' ? undefined : content);
    },
  };
}

async function scriptDoors(): Promise<Door[]> {
  let names: string[];
  try {
    names = (await readdir(SCRIPT_DIRECTORY)).filter((name) => /^[\w-]+\.js$/.test(name));
  } catch {
    // Not built yet: the page is served without its script and says nothing live.
    return [];
  }
  return Promise.all(
    names.map(async (name) =>
      staticDoor(
        `/inbox/${name}`,
        'text/javascript; charset=utf-8',
        await readFile(new URL(name, SCRIPT_DIRECTORY)),
      ),
    ),
  );
}

/** Creates the doors of the page, its style sheet, its icon and every compiled script module. */
export async function createInboxDoors(): Promise<Door[]> {
  const page = (name: string) => readFile(new URL(name, PAGE_DIRECTORY));
  const [html, css, icon] = await Promise.all([
    page('inbox.html'),
    page('inbox.css'),
    page('icon.svg'),
  ]);
  return [
    staticDoor('/', 'text/html; charset=utf-8', html),
    staticDoor('/inbox/inbox.css', 'text/css; charset=utf-8', css),
    staticDoor('/inbox/icon.svg', 'image/svg+xml', icon),
    ...(await scriptDoors()),
  ];
}
