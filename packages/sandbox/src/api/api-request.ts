/**
 * Which API call a request is, read before any door handles it, so that a chaos rule scoped by
 * flavour and method can apply before anything is stored.
 */
import type { IncomingMessage } from 'node:http';
import type { SandboxFlavour } from '../state/sandbox-event.js';

/** An API call's flavour and method name (empty when the request names none). */
export interface ApiRequest {
  readonly flavour: SandboxFlavour;
  readonly method: string;
}

function formMethod(url: URL, req: IncomingMessage, body: string): string {
  return (req.method === 'POST' ? new URLSearchParams(body) : url.searchParams).get('method') ?? '';
}

function jsonMethod(body: string): string {
  try {
    const value: unknown = JSON.parse(body);
    const method =
      typeof value === 'object' && value !== null
        ? (value as Record<string, unknown>).method
        : undefined;
    return typeof method === 'string' ? method : '';
  } catch {
    return '';
  }
}

/** A character of `[A-Za-z0-9_.-]`, what a tag name is made of here. */
function isNameChar(code: number): boolean {
  return (
    (code >= 0x61 && code <= 0x7a) ||
    (code >= 0x41 && code <= 0x5a) ||
    (code >= 0x30 && code <= 0x39) ||
    code === 0x5f ||
    code === 0x2e ||
    code === 0x2d
  );
}

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x9 || code === 0xa || code === 0xd;
}

/** The tag name at `at` (after a `<`): where it ends and its local name, without the prefix. */
function tagName(body: string, at: number): { readonly end: number; readonly localName: string } {
  let end = at;
  while (end < body.length && isNameChar(body.charCodeAt(end))) end++;
  let local = at;
  if (end > at && body.charCodeAt(end) === 0x3a) {
    local = end + 1;
    end = local;
    while (end < body.length && isNameChar(body.charCodeAt(end))) end++;
  }
  return { end, localName: body.slice(local, end) };
}

/**
 * The local name of the first element inside the SOAP Body: the operation, since in the wrapped
 * style that element is named after it. Found without parsing the body. It runs before authentication on any body, so it is a
 * plain left-to-right scan in which no character is looked at more than a few times: a `Body`
 * start tag's end is searched once, and the scan resumes after it.
 */
function soapMethod(body: string): string {
  let lt = body.indexOf('<');
  while (lt >= 0) {
    const tag = tagName(body, lt + 1);
    if (tag.localName !== 'Body') {
      lt = body.indexOf('<', Math.max(tag.end, lt + 1));
      continue;
    }
    const gt = body.indexOf('>', tag.end);
    if (gt < 0) return '';
    let next = gt + 1;
    while (next < body.length && isSpace(body.charCodeAt(next))) next++;
    if (body.charCodeAt(next) === 0x3c) {
      const operation = tagName(body, next + 1);
      if (operation.localName !== '') return operation.localName;
    }
    lt = body.indexOf('<', gt + 1);
  }
  return '';
}

/** The API call a request to the sandbox is, or `undefined` for any other route (UI, control, WSDL, metadata). */
export function apiRequestOf(req: IncomingMessage, url: URL, body: string): ApiRequest | undefined {
  switch (url.pathname) {
    case '/api/http/':
      return {
        flavour: req.method === 'POST' ? 'post' : 'get',
        method: formMethod(url, req, body),
      };
    case '/api/basic/':
      return { flavour: 'basic', method: formMethod(url, req, body) };
    case '/api/soap/':
      return req.method === 'POST' ? { flavour: 'soap', method: soapMethod(body) } : undefined;
    case '/api/json/':
      return { flavour: 'json-oauth', method: jsonMethod(body) };
    case '/api/oauth/token':
      return { flavour: 'json-oauth', method: 'token' };
    default:
      return undefined;
  }
}
