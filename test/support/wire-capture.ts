/**
 * Wire interception for both executors: nock for the `fetch` executor (nock 14 sees the global
 * fetch), undici's MockAgent, passed as `dispatcher`, for the `undici` executor (nock cannot see
 * `undici.request`). Either way every request is captured whole and answered by a handler, and
 * the test asserts the exact request afterwards.
 */
import nock from 'nock';
import { MockAgent } from 'undici';
import type { ChatClientConfig } from '@afilnet-chat/core';

/** One request as the server received it. */
export interface CapturedRequest {
  readonly method: string;
  /** Path with the query string. */
  readonly path: string;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** The server's answer. */
export interface WireReply {
  readonly status: number;
  readonly body: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** A running interception. */
export interface WireCapture {
  /** Config to spread into `createChatClient` (baseUrl, executor, dispatcher). */
  readonly clientConfig: Partial<ChatClientConfig>;
  /** Every request received, in order. */
  readonly requests: CapturedRequest[];
  /** Asserts every interceptor was used (nock's `scope.done()`), and removes them. */
  done(): Promise<void>;
}

export const WIRE_ORIGIN = 'https://api.wire.test';
export type ExecutorName = 'undici' | 'fetch';
export const EXECUTORS: readonly ExecutorName[] = ['undici', 'fetch'];

function lowerHeaders(headers: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (headers === undefined || headers === null) return out;
  const entries: Array<[string, unknown]> =
    typeof (headers as Headers).forEach === 'function' &&
    !Array.isArray(headers) &&
    typeof (headers as Headers).get === 'function'
      ? [...(headers as Headers).entries()]
      : Array.isArray(headers)
        ? pairs(headers as unknown[])
        : Object.entries(headers as Record<string, unknown>);
  for (const [name, value] of entries)
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
  return out;
}

function pairs(flat: unknown[]): Array<[string, unknown]> {
  const out: Array<[string, unknown]> = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push([String(flat[i]), flat[i + 1]]);
  return out;
}

/**
 * Starts intercepting `WIRE_ORIGIN` for the given executor and HTTP methods (each must be used);
 * `handler` answers each request.
 */
export function captureWire(
  executor: ExecutorName,
  methods: ReadonlyArray<'GET' | 'POST'>,
  handler: (request: CapturedRequest) => WireReply,
): WireCapture {
  const requests: CapturedRequest[] = [];
  if (executor === 'fetch') {
    nock.disableNetConnect();
    const scope = nock(WIRE_ORIGIN).persist();
    for (const method of new Set(methods)) {
      scope
        .intercept(() => true, method)
        .reply(function (uri, body) {
          const request: CapturedRequest = {
            method: this.req.method,
            path: uri,
            headers: lowerHeaders(this.req.headers),
            body: typeof body === 'string' ? body : body === undefined ? '' : JSON.stringify(body),
          };
          requests.push(request);
          const reply = handler(request);
          return [reply.status, reply.body, { ...reply.headers }];
        });
    }
    return {
      clientConfig: { baseUrl: WIRE_ORIGIN, executor: 'fetch' },
      requests,
      async done() {
        scope.done();
        nock.cleanAll();
        nock.enableNetConnect();
      },
    };
  }
  const agent = new MockAgent();
  agent.disableNetConnect();
  if (methods.length > 0) {
    agent
      .get(WIRE_ORIGIN)
      .intercept({ path: () => true, method: (m) => methods.includes(m as 'GET' | 'POST') })
      .reply((options) => {
        const request: CapturedRequest = {
          method: options.method,
          path: options.path,
          headers: lowerHeaders(options.headers),
          body:
            typeof options.body === 'string'
              ? options.body
              : options.body === undefined || options.body === null
                ? ''
                : Buffer.from(options.body as Uint8Array).toString('utf8'),
        };
        requests.push(request);
        const reply = handler(request);
        return {
          statusCode: reply.status,
          data: reply.body,
          responseOptions: { headers: { ...reply.headers } },
        };
      })
      .persist();
  }
  return {
    clientConfig: { baseUrl: WIRE_ORIGIN, executor: 'undici', dispatcher: agent },
    requests,
    async done() {
      agent.assertNoPendingInterceptors();
      await agent.close();
    },
  };
}
