/**
 * The `NODE_DEBUG=afilnet-chat` switch, through Node's `util.debuglog`: one line per
 * request, response and retry, naming the HTTP method, the flavour, the URL without its query,
 * the status and the time taken. Lines are built from redacted parts only, like every output.
 *
 * @see https://nodejs.org/api/util.html#utildebuglogsection-callback
 */
import { debuglog } from 'node:util';

/** Writes one debug line. */
export type DebugLog = (line: string) => void;

/** The section name users put in `NODE_DEBUG`. */
export const DEBUG_SECTION = 'afilnet-chat';

/** The debug log when `NODE_DEBUG` names {@link DEBUG_SECTION}, else undefined (nothing to pay). */
export function debugLog(): DebugLog | undefined {
  const log = debuglog(DEBUG_SECTION);
  // Bun's debuglog writes when NODE_DEBUG names the section but has no `enabled` to ask first.
  const enabled =
    (log as { enabled?: boolean }).enabled ?? namedInNodeDebug(process.env.NODE_DEBUG);
  return enabled ? (line) => log('%s', line) : undefined;
}

function namedInNodeDebug(value: string | undefined): boolean {
  return (value ?? '').split(',').some((name) => name.trim().toLowerCase() === DEBUG_SECTION);
}

/** `url` as a debug line shows it: origin and path, never the query (where GET carries credentials) or userinfo. */
export function urlWithoutQuery(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}
