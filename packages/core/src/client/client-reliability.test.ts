/**
 * Retries, phase timeouts, limits and diagnostic hooks of the client, against real local servers
 * that fail on purpose.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createChatClient, type ChatClient } from './client.js';
import type {
  RequestDiagnostic,
  ResponseDiagnostic,
  RetryDiagnostic,
} from '../diagnostics/channels.js';
import { type AfilnetTransportError, AfilnetValidationError } from '../errors/errors.js';
import { encodeForm } from '../wire/form.js';
import { parseJsonPayload } from '../wire/parse-json-payload.js';
import type { ChatTransport } from '../transport/transport.js';
import { wireFields } from '../wire/wire-fields.js';

const credentials = { user: 'demo@example.com', password: 'reliab1lity-Secret' };
const conversation = { platform: 'whatsapp', platformId: '100', destination: '346' } as const;
const SUCCESS = '{"status":"success","result":[]}';

/** A POST-form transport carrying the password in the body, so that redaction has work to do. */
function formTransport(baseUrl: string): ChatTransport {
  return {
    name: 'form',
    security: 'medium',
    async send(request, { http, signal }) {
      const response = await http.send(
        {
          method: 'POST',
          url: `${baseUrl}/api?password=${encodeURIComponent(credentials.password)}`,
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            authorization: `Basic ${Buffer.from(`${credentials.user}:${credentials.password}`).toString('base64')}`,
          },
          body: encodeForm(wireFields(request, credentials)),
        },
        { signal },
      );
      return {
        httpStatus: response.status,
        headers: response.headers,
        payload: parseJsonPayload(response.body),
      };
    },
  };
}

const servers: Server[] = [];
const clients: ChatClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function serve(
  handler: (req: IncomingMessage, res: ServerResponse, hit: number) => void,
  port = 0,
): Promise<string> {
  let hits = 0;
  const server = createServer((req, res) => {
    req.resume();
    handler(req, res, ++hits);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function client(url: string, extra: Record<string, unknown> = {}): ChatClient {
  const c = createChatClient({
    transport: formTransport(url),
    credentials,
    allowInsecureHttp: true,
    retry: { baseDelayMs: 10, maxDelayMs: 50 },
    ...extra,
  });
  clients.push(c);
  return c;
}

function answer(
  res: ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'content-type': status === 200 ? 'application/json' : 'text/html',
    ...headers,
  });
  res.end(body);
}

describe.each([{ executor: 'undici' }, { executor: 'fetch' }] as const)(
  'retries over $executor',
  ({ executor }) => {
    it('retries a read on 503 and 429, then succeeds, telling onRetry', async () => {
      const retries: RetryDiagnostic[] = [];
      const url = await serve((_req, res, hit) => {
        if (hit === 1) answer(res, 503, '<html>busy</html>');
        else if (hit === 2) answer(res, 429, 'slow down');
        else answer(res, 200, SUCCESS);
      });
      const chat = client(url, { executor, onRetry: (e: RetryDiagnostic) => retries.push(e) });
      await expect(chat.getChats(conversation)).resolves.toEqual([]);
      expect(retries.map((r) => [r.attempt, r.error.code, r.error.httpStatus])).toEqual([
        [1, 'HTTP_STATUS', 503],
        [2, 'RATE_LIMITED', 429],
      ]);
    });

    it('gives up after maxAttempts with the last failure', async () => {
      let hits = 0;
      const url = await serve((_req, res) => {
        hits++;
        answer(res, 502, 'bad gateway');
      });
      const error = await client(url, { executor, retry: { maxAttempts: 2, baseDelayMs: 1 } })
        .getChatChannels()
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'HTTP_STATUS', httpStatus: 502, mayHaveBeenSent: false });
      expect(hits).toBe(2);
    });

    it('honours Retry-After', async () => {
      const url = await serve((_req, res, hit) =>
        hit === 1 ? answer(res, 503, 'later', { 'retry-after': '1' }) : answer(res, 200, SUCCESS),
      );
      const delays: number[] = [];
      await client(url, {
        executor,
        onRetry: (e: RetryDiagnostic) => delays.push(e.delayMs),
      }).getChatChannels();
      expect(delays).toEqual([1_000]);
    });

    it('does not wait for a Retry-After past the deadline, and ends with the failure itself', async () => {
      const url = await serve((_req, res) => answer(res, 503, 'later', { 'retry-after': '1' }));
      const started = Date.now();
      const error = (await client(url, { executor, timeoutMs: 1_500 })
        .getChatChannels()
        .catch((e: unknown) => e)) as AfilnetTransportError;
      // Retry-After 1 s fits once (after the first 503), not twice: no timeout happened.
      expect(error).toMatchObject({
        code: 'HTTP_STATUS',
        httpStatus: 503,
        retryAfterMs: 1_000,
        mayHaveBeenSent: false,
      });
      expect(Date.now() - started).toBeLessThan(1_450);
    });

    it('ends a call that used up its attempts before the deadline with the last failure, not TIMEOUT', async () => {
      const url = await serve((_req, res) => answer(res, 503, 'busy'));
      const error = await client(url, {
        executor,
        timeoutMs: 5_000,
        retry: { maxAttempts: 2, baseDelayMs: 1 },
      })
        .getChatChannels()
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'HTTP_STATUS', httpStatus: 503 });
    });

    it('never retries a send the server may have received', async () => {
      let hits = 0;
      const url = await serve((_req, res) => {
        hits++;
        answer(res, 503, 'busy');
      });
      const error = await client(url, { executor })
        .sendMessage({ ...conversation, message: 'once' })
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'HTTP_STATUS', mayHaveBeenSent: true });
      expect(hits).toBe(1);
    });

    it('retries a send whose connection was refused, once the server is back', async () => {
      const probe = await serve(() => undefined);
      const port = Number(new URL(probe).port);
      const server = servers.pop() as Server;
      await new Promise((resolve) => server.close(resolve));
      let received = 0;
      const chat = client(`http://127.0.0.1:${port}`, {
        executor,
        onRetry: () => {
          void serve((_req, res) => {
            received++;
            answer(res, 200, '{"status":"success"}');
          }, port);
        },
        retry: { baseDelayMs: 200, maxDelayMs: 200 },
      });
      const realRandom = Math.random;
      Math.random = () => 0.99;
      try {
        await expect(
          chat.sendMessage({ ...conversation, message: 'exactly once' }),
        ).resolves.toBeUndefined();
      } finally {
        Math.random = realRandom;
      }
      expect(received).toBe(1);
    });

    it('ends with TIMEOUT whose cause is the 503 before the retry that stalled until the deadline', async () => {
      const url = await serve((_req, res, hit) =>
        hit === 1 ? answer(res, 503, 'busy') : undefined,
      );
      const error = (await client(url, {
        executor,
        timeoutMs: 300,
        retry: { maxAttempts: 10, baseDelayMs: 1, maxDelayMs: 1 },
      })
        .getChatChannels()
        .catch((e: unknown) => e)) as AfilnetTransportError;
      expect(error.code).toBe('TIMEOUT');
      expect(error.cause).toMatchObject({ code: 'HTTP_STATUS', httpStatus: 503 });
    });

    it('ends with TIMEOUT whose cause is the reset before the retry that stalled, not the stalled attempt', async () => {
      const url = await serve((req, _res, hit) => {
        if (hit === 1) req.socket.destroy();
      });
      const error = (await client(url, {
        executor,
        timeoutMs: 300,
        retry: { maxAttempts: 10, baseDelayMs: 1, maxDelayMs: 1 },
      })
        .getChatChannels()
        .catch((e: unknown) => e)) as AfilnetTransportError;
      expect(error.code).toBe('TIMEOUT');
      expect(error.cause).toMatchObject({ code: 'NETWORK' });
    });

    it('ends with TIMEOUT without a cause when the first attempt stalls until the deadline', async () => {
      const url = await serve(() => undefined);
      const error = (await client(url, { executor, timeoutMs: 200 })
        .getChatChannels()
        .catch((e: unknown) => e)) as AfilnetTransportError;
      expect(error.code).toBe('TIMEOUT');
      expect(error.cause).toBeUndefined();
    });

    it('stops retrying when the budget is spent', async () => {
      let hits = 0;
      const url = await serve((_req, res) => {
        hits++;
        answer(res, 500, 'down');
      });
      const chat = client(url, {
        executor,
        retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1, budgetRatio: 0 },
      });
      for (let i = 0; i < 8; i++) await chat.getChatChannels().catch(() => undefined);
      // 8 first attempts, and only the 10 retries of the reserve.
      expect(hits).toBe(18);
    });

    it('ends a stalled response-headers phase with TIMEOUT and retries a read', async () => {
      let hits = 0;
      const url = await serve((_req, res) => {
        hits++;
        if (hits === 2) answer(res, 200, SUCCESS);
      });
      await expect(
        client(url, { executor, timeouts: { headersMs: 100 } }).getChatChannels(),
      ).resolves.toEqual([]);
      expect(hits).toBe(2);
    });

    it('ends a body that goes silent with TIMEOUT, sent', async () => {
      const url = await serve((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"status":');
      });
      const error = await client(url, { executor, timeouts: { bodyMs: 100 }, retry: false })
        .sendMessage({ ...conversation, message: 'm' })
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'TIMEOUT', mayHaveBeenSent: true });
      expect((error as Error).message).toContain('timeouts.bodyMs');
    });
  },
);

describe('limits and diagnostics', () => {
  it('refuses a message over maxMessageLength code points, with the other problems', async () => {
    const chat = client('http://127.0.0.1:9', { maxMessageLength: 5 });
    const error = (await chat
      .sendMessage({
        platform: 'whatsapp',
        platformId: '',
        destination: 'd',
        message: '😀😀😀😀😀😀',
      })
      .catch((e: unknown) => e)) as AfilnetValidationError;
    expect(error).toBeInstanceOf(AfilnetValidationError);
    expect(error.issues.map((i) => i.path)).toEqual(['platformId', 'message']);
    await expect(
      chat.sendMessage({ ...conversation, message: '😀😀😀😀😀' }, { timeoutMs: 50 }),
    ).rejects.not.toBeInstanceOf(AfilnetValidationError);
  });

  it('reports each request and response to the hooks, redacted', async () => {
    const url = await serve((_req, res) =>
      answer(
        res,
        200,
        `{"status":"success","result":[],"access_token":"tok-123","echo":"${credentials.password}"}`,
      ),
    );
    const requests: RequestDiagnostic[] = [];
    const responses: ResponseDiagnostic[] = [];
    await client(url, {
      onRequest: (e: RequestDiagnostic) => requests.push(e),
      onResponse: (e: ResponseDiagnostic) => responses.push(e),
    }).getChats(conversation);
    expect(requests).toHaveLength(1);
    expect(responses).toHaveLength(1);
    const seen = JSON.stringify([requests, responses]);
    expect(seen).not.toContain(credentials.password);
    expect(seen).not.toContain(encodeURIComponent(credentials.password));
    expect(seen).not.toContain(
      Buffer.from(`${credentials.user}:${credentials.password}`).toString('base64'),
    );
    expect(seen).not.toContain('tok-123');
    expect(requests[0]?.http.headers.authorization).toBe('Basic [REDACTED]');
    expect(requests[0]?.http.body).toContain('method=getchats');
    expect(responses[0]).toMatchObject({ method: 'getchats', attempt: 1, status: 200 });
  });

  it('ignores a hook that throws', async () => {
    const url = await serve((_req, res) => answer(res, 200, SUCCESS));
    const chat = client(url, {
      onRequest: () => {
        throw new Error('logging is broken');
      },
    });
    await expect(chat.getChatChannels()).resolves.toEqual([]);
  });
});
