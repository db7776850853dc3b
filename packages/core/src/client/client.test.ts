/**
 * The client's own behaviour — deadline, abort, executors, dispatcher, close — against real
 * local servers, with a minimal transport so that core is tested on its own.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, type Dispatcher } from 'undici';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createChatClient, type ChatClient } from './client.js';
import { AfilnetTransportError } from '../errors/errors.js';
import { parseJsonPayload } from '../wire/parse-json-payload.js';
import type { ChatTransport } from '../transport/transport.js';
import type { TransportDefinition } from '../transport/options.js';

const credentials = { user: 'demo@example.com', password: 'unit-test-password' };
const conversation = { platform: 'whatsapp', platformId: '100', destination: '346' } as const;

/** A transport that POSTs the request as JSON to `${baseUrl}/api` through the client's executor. */
function jsonTransport(baseUrl: string, closed?: { count: number }): ChatTransport {
  return {
    name: 'unit',
    security: 'high',
    async send(request, { http, signal }) {
      const response = await http.send(
        {
          method: 'POST',
          url: `${baseUrl}/api`,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(request),
        },
        { signal },
      );
      return { httpStatus: response.status, payload: parseJsonPayload(response.body) };
    },
    async close() {
      if (closed) closed.count++;
    },
  };
}

let server: Server | undefined;
const clients: ChatClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
  server = createServer(handler);
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function client(baseUrl: string, extra: Record<string, unknown> = {}): ChatClient {
  const c = createChatClient({
    transport: jsonTransport(baseUrl),
    credentials,
    allowInsecureHttp: true,
    ...extra,
  });
  clients.push(c);
  return c;
}

const ok = (_req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => {
  res.setHeader('content-type', 'application/json');
  res.end('{"status":"success","result":[]}');
};

describe.each([{ executor: 'undici' }, { executor: 'fetch' }] as const)(
  'client over $executor',
  ({ executor }) => {
    it('ends a call that gets no answer with TIMEOUT at its deadline', async () => {
      const url = await serve(() => undefined);
      const started = Date.now();
      const error = await client(url, { executor, timeoutMs: 150 })
        .sendMessage({ ...conversation, message: 'm' })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AfilnetTransportError);
      expect(error).toMatchObject({ code: 'TIMEOUT', mayHaveBeenSent: true });
      expect(Date.now() - started).toBeLessThan(2_000);
    });

    it('honours a per-call timeoutMs and says a read was not a send', async () => {
      const url = await serve(() => undefined);
      const error = await client(url, { executor })
        .getChats(conversation, { timeoutMs: 100 })
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'TIMEOUT', mayHaveBeenSent: false });
    });

    it('ends a call with ABORTED when the caller aborts, and sends nothing when already aborted', async () => {
      let requests = 0;
      const url = await serve(() => {
        requests++;
      });
      const controller = new AbortController();
      const pending = client(url, { executor }).getChatChannels({ signal: controller.signal });
      setTimeout(() => controller.abort(), 50);
      await expect(pending).rejects.toMatchObject({ code: 'ABORTED' });
      const before = requests;
      await expect(
        client(url, { executor }).getChatChannels({ signal: AbortSignal.abort() }),
      ).rejects.toMatchObject({
        code: 'ABORTED',
        mayHaveBeenSent: false,
      });
      expect(requests).toBe(before);
    });

    it('calls a refused connection NETWORK, never sent', async () => {
      const url = await serve(ok);
      server?.close();
      await new Promise((r) => setTimeout(r, 20));
      const error = await client(url, { executor })
        .sendMessage({ ...conversation, message: 'm' })
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'NETWORK', mayHaveBeenSent: false });
    });

    it('sends every request through a given dispatcher', async () => {
      const url = await serve(ok);
      let dispatched = 0;
      class CountingAgent extends Agent {
        override dispatch(
          options: Dispatcher.DispatchOptions,
          handler: Dispatcher.DispatchHandler,
        ): boolean {
          dispatched++;
          return super.dispatch(options, handler);
        }
      }
      const dispatcher = new CountingAgent();
      const chat = client(url, { executor, dispatcher });
      await chat.getChatChannels();
      await chat.getChats(conversation);
      expect(dispatched).toBe(2);
      await chat.close();
      // The user's dispatcher is theirs: closing the client leaves it open.
      expect(dispatcher.closed).toBe(false);
      await dispatcher.close();
    });

    it('refuses a body over maxResponseBytes with RESPONSE_TOO_LARGE', async () => {
      const url = await serve((_req, res) => {
        res.setHeader('content-type', 'application/json');
        res.write(`{"status":"success","result":"${'x'.repeat(4096)}`);
        res.end('"}');
      });
      await expect(
        client(url, { executor, maxResponseBytes: 1024 }).getChatChannels(),
      ).rejects.toMatchObject({
        code: 'RESPONSE_TOO_LARGE',
      });
    });
  },
);

describe('client', () => {
  it('uses a fetch the user passes', async () => {
    const url = await serve(ok);
    const seen: string[] = [];
    const chat = client(url, {
      executor: {
        fetch: (input: string, init: RequestInit) => {
          seen.push(`${init.method} ${input}`);
          return fetch(input, init);
        },
      },
    });
    await chat.getChatChannels();
    expect(seen).toEqual([`POST ${url}/api`]);
  });

  it('never outlives its deadline even when a transport ignores the signal', async () => {
    const stuck: ChatTransport = {
      name: 'stuck',
      security: 'high',
      send: () => new Promise(() => undefined),
    };
    const chat = createChatClient({ transport: stuck, credentials, timeoutMs: 50 });
    clients.push(chat);
    await expect(chat.getChatChannels()).rejects.toMatchObject({ code: 'TIMEOUT' });
  });

  it('wraps a foreign error of a transport without its properties', async () => {
    const failing: ChatTransport = {
      name: 'failing',
      security: 'high',
      send: async () => {
        throw Object.assign(new Error('boom'), { headers: { authorization: 'Basic c2VjcmV0' } });
      },
    };
    const chat = createChatClient({ transport: failing, credentials });
    clients.push(chat);
    const error = await chat
      .sendMessage({ ...conversation, message: 'm' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'NETWORK', mayHaveBeenSent: true });
    expect(JSON.stringify((error as Error).cause)).not.toContain('c2VjcmV0');
    expect((error as { cause: Record<string, unknown> }).cause.headers).toBeUndefined();
  });

  it('fails a call whose transport throws before returning a promise, or returns none, and counts it ended', async () => {
    const throwing: ChatTransport = {
      name: 'throwing',
      security: 'high',
      send: () => {
        throw new Error('refused at once');
      },
    };
    const promiseless = {
      name: 'promiseless',
      security: 'high',
      send: () => undefined,
    } as unknown as ChatTransport;
    for (const transport of [throwing, promiseless]) {
      const chat = createChatClient({ transport, credentials });
      const error = await chat.getChatChannels().catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'NETWORK', mayHaveBeenSent: false });
      // close() waits for calls in flight: it resolves only if the failed call was counted ended.
      await chat.close();
    }
  });

  it('fails a call aborted while its transport was sending, even when the transport answers', async () => {
    // The abort fires inside send(), before the client listens for it on the attempt: the call
    // must still end, with ABORTED, and not wait for a listener that will never run.
    const controller = new AbortController();
    const heedless: ChatTransport = {
      name: 'heedless',
      security: 'high',
      send: () => {
        controller.abort();
        return Promise.resolve({
          httpStatus: 200,
          payload: { kind: 'envelope', value: { status: 'SUCCESS', result: [] } },
        });
      },
    };
    const chat = createChatClient({ transport: heedless, credentials });
    clients.push(chat);
    await expect(
      chat.getChats({ platform: 'whatsapp', platformId: '100' }, { signal: controller.signal }),
    ).rejects.toMatchObject({ code: 'ABORTED' });
  });

  it('closes a transport that rotated credentials replaced once no call is using it, not only at close()', async () => {
    // Each answer of the credentials function builds a transport; the old password is refused,
    // which asks the function again. A long-running client must not keep one transport per rotation.
    let rotations = 0;
    const closedFor: string[] = [];
    const definition: TransportDefinition = {
      name: 'rotating',
      security: 'high',
      create(options): ChatTransport {
        const password = options.credentials?.password ?? '';
        return {
          name: 'rotating',
          security: 'high',
          send: async () => ({
            httpStatus: 200,
            payload: {
              kind: 'envelope',
              value:
                password === `p${rotations}`
                  ? { status: 'SUCCESS', result: [] }
                  : { status: 'ERROR', error: 'INCORRECT_USER_PASSWORD' },
            },
          }),
          close: async () => {
            closedFor.push(password);
          },
        };
      },
    };
    const chat = createChatClient({
      transport: definition,
      credentials: () => ({ user: 'u@example.com', password: `p${rotations}` }),
    });
    clients.push(chat);
    await expect(chat.getChatChannels()).resolves.toEqual([]);
    for (let i = 1; i <= 3; i++) {
      rotations = i;
      await expect(chat.getChatChannels()).resolves.toEqual([]);
      // The call that found the password refused has ended: the transport built from it is closed.
      await vi.waitFor(() =>
        expect(closedFor).toEqual(Array.from({ length: i }, (_, k) => `p${k}`)),
      );
    }
    await chat.close();
    expect(closedFor).toEqual(['p0', 'p1', 'p2', 'p3']);
  });

  it('closes its transport once, and refuses calls after close()', async () => {
    const url = await serve(ok);
    const closed = { count: 0 };
    const chat = createChatClient({
      transport: jsonTransport(url, closed),
      credentials,
      allowInsecureHttp: true,
    });
    await chat.getChatChannels();
    await chat.close();
    await chat.close();
    expect(closed.count).toBe(1);
    await expect(chat.getChatChannels()).rejects.toMatchObject({ code: 'ABORTED' });
  });

  it('redacts the password from errors', async () => {
    const leaky: ChatTransport = {
      name: 'leaky',
      security: 'high',
      send: async () => {
        throw new Error(`could not reach https://x.test/?password=${credentials.password}`);
      },
    };
    const chat = createChatClient({ transport: leaky, credentials });
    clients.push(chat);
    const error = (await chat.getChatChannels().catch((e: unknown) => e)) as Error;
    expect(String((error.cause as Error).message)).not.toContain(credentials.password);
    expect(String((error.cause as Error).stack)).not.toContain(credentials.password);
  });
});

describe('client redaction of run-time secrets', () => {
  /**
   * A transport that registers a new token per call and fails with a message naming every token
   * registered so far; `hold` keeps a call in flight until the test lets it go.
   */
  function rotatingTransport() {
    const tokens: string[] = [];
    const gates: Array<() => void> = [];
    const transport: ChatTransport = {
      name: 'rotating',
      security: 'high',
      async send(_request, { registerSecret }) {
        const token = `rotated-token-${tokens.length + 1}-abcdef`;
        tokens.push(token);
        registerSecret(token);
        await new Promise<void>((resolve) => gates.push(resolve));
        throw new AfilnetTransportError('NETWORK', `seen: ${tokens.join(' ')}`, {
          mayHaveBeenSent: false,
        });
      },
    };
    return { transport, gates };
  }

  const messageOf = async (call: Promise<unknown>): Promise<string> =>
    ((await call.catch((e: unknown) => e)) as Error).message;

  it('forgets a replaced token once no call in flight can use it, and keeps redacting the current one', async () => {
    const { transport, gates } = rotatingTransport();
    const chat = createChatClient({ transport, credentials, retry: false });
    clients.push(chat);
    const one = messageOf(chat.getChatChannels());
    await new Promise((r) => setImmediate(r));
    const two = messageOf(chat.getChatChannels());
    await new Promise((r) => setImmediate(r));
    // Call one still holds token 1 while token 2 replaces it: both are removed.
    gates[1]?.();
    expect(await two).toBe('seen: [REDACTED] [REDACTED]');
    gates[0]?.();
    expect(await one).toBe('seen: [REDACTED] [REDACTED]');
    // Token 3 replaces token 2, and no call holds 1 or 2 any more: the redactor forgot them.
    const three = messageOf(chat.getChatChannels());
    await new Promise((r) => setImmediate(r));
    gates[2]?.();
    expect(await three).toBe('seen: rotated-token-1-abcdef rotated-token-2-abcdef [REDACTED]');
  });
});
