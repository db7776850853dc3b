/**
 * `mayHaveBeenSent` is false whenever the executor knows no byte was written (docs/behaviour.md#mayhavebeensent), on every
 * flavour × executor: a send aborted after it was handed to the HTTP layer but before its
 * connection was ready never reaches the server, and reports false on undici, which sees the
 * moment a request is written; `fetch` never says, so there it reports true. A refused
 * connection's `NETWORK` error is false on both, and names the `host:port` that failed and
 * nothing else of the URL.
 */
import diagnostics from 'node:diagnostics_channel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AfilnetTransportError } from '@afilnet-chat/core';
import { DEMO } from './support/account.js';
import { clientFor, invoke } from './support/case-client.js';
import { failureOf } from './support/collect-errors.js';
import {
  answer,
  holdRefusedUrl,
  startMisbehavingServer,
  TOKEN_PATH,
} from './support/misbehaving-server.js';
import { SAMPLE_CALLS, type SampleCall } from './support/sample-calls.js';
import { MATRIX_ROWS } from './support/transport-cases.js';
import { CONTENT_TYPE, successBody } from './support/wire-bodies.js';

const SEND = SAMPLE_CALLS.find((s) => s.method === 'sendmessage') as SampleCall;

/**
 * Aborts a call right after undici creates its API request (token requests pass), in a
 * microtask: the request exists, but its connection cannot be ready before the next turn of the
 * event loop. Keyed by the server's origin, so that concurrent tests do not abort each other's
 * requests.
 */
const abortOnCreate = new Map<string, AbortController>();
function onCreate(message: unknown): void {
  const request = (message as { request?: { origin?: unknown; path?: unknown } }).request;
  if (
    request === undefined ||
    typeof request.path !== 'string' ||
    request.path.startsWith(TOKEN_PATH)
  )
    return;
  const controller = abortOnCreate.get(new URL(String(request.origin)).origin);
  queueMicrotask(() => controller?.abort(new Error('aborted before the connection was ready')));
}
beforeAll(() => diagnostics.subscribe('undici:request:create', onCreate));
afterAll(() => diagnostics.unsubscribe('undici:request:create', onCreate));

describe.concurrent.each(MATRIX_ROWS)('$label', (row) => {
  const knowsWrites = row.executor === 'undici';
  it(`a send aborted before its connection was ready says mayHaveBeenSent ${!knowsWrites}, and nothing arrives`, async () => {
    const server = await startMisbehavingServer(
      answer(
        200,
        CONTENT_TYPE[row.case.bodyFormat],
        successBody(row.case.bodyFormat, 'sendmessage'),
      ),
    );
    const client = clientFor(row.case, row.executor, server.url, {
      retry: false,
      timeoutMs: 5_000,
    });
    const controller = new AbortController();
    abortOnCreate.set(server.url, controller);
    try {
      const error = await failureOf(invoke(client, SEND, { signal: controller.signal }));
      expect(controller.signal.aborted, 'the abort came from the request being created').toBe(true);
      expect(error).toBeInstanceOf(AfilnetTransportError);
      expect(error).toMatchObject({ code: 'ABORTED', mayHaveBeenSent: !knowsWrites });
      // Give a late write every chance to arrive before counting.
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(server.stats.apiRequests).toBe(0);
    } finally {
      abortOnCreate.delete(server.url);
      await client.close();
      await server.close();
    }
  });

  it('a refused connection is NETWORK naming host:port, never the path, query or credentials', async () => {
    const refused = await holdRefusedUrl();
    const url = refused.url;
    const client = clientFor(row.case, row.executor, url, { retry: false, timeoutMs: 5_000 });
    try {
      const error = await failureOf(invoke(client, SEND));
      expect(error).toMatchObject({ code: 'NETWORK', mayHaveBeenSent: false });
      const message = (error as Error).message;
      expect(message).toContain(new URL(url).host);
      expect(message).not.toMatch(/\/api|\?|password|demo/);
      expect(message).not.toContain(DEMO.password);
    } finally {
      await client.close();
      await refused.close();
    }
  });
});
