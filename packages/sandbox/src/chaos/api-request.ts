/**
 * Which API call a request is, read before any door handles it, so that a chaos rule scoped by
 * flavour and method can apply before anything is stored.
 */
import type { IncomingMessage } from 'node:http';
import type { SandboxFlavour } from '../events/sandbox-event.js';

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
    const method = typeof value === 'object' && value !== null ? (value as Record<string, unknown>).method : undefined;
    return typeof method === 'string' ? method : '';
  } catch {
    return '';
  }
}

/** The local name of the first element inside the SOAP Body: the operation (SPEC §3, wrapped style). */
function soapMethod(body: string): string {
  return /<(?:[\w.-]+:)?Body\b[^>]*>\s*<(?:[\w.-]+:)?([\w.-]+)/.exec(body)?.[1] ?? '';
}

/** The API call a request to the sandbox is, or `undefined` for any other route (UI, control, WSDL, metadata). */
export function apiRequestOf(req: IncomingMessage, url: URL, body: string): ApiRequest | undefined {
  switch (url.pathname) {
    case '/api/http/':
      return { flavour: req.method === 'POST' ? 'post' : 'get', method: formMethod(url, req, body) };
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
