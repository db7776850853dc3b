/** Writing the sandbox's answers. */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Sends `value` as JSON with the given status and extra headers. */
export function sendJson(
  res: ServerResponse,
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): void {
  const body = JSON.stringify(value);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

/** Sends plain text. */
export function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** Answers 405 naming the allowed methods, and returns false, unless the request uses one of them. */
export function allowMethods(
  req: IncomingMessage,
  res: ServerResponse,
  methods: readonly string[],
): boolean {
  if (methods.includes(req.method ?? '')) return true;
  sendJson(res, 405, { error: `use ${methods.join(' or ')}` }, { allow: methods.join(', ') });
  return false;
}
