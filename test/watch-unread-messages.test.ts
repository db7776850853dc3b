/**
 * `watchUnreadMessages` against the sandbox over real sockets: replies injected while watching,
 * abort in the middle of a poll, and backoff through a local server that fails.
 */
import type { IncomingMessage } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { createChatClient, type AfilnetTransportError, type ChatClient } from '@afilnet-chat/core';
import { DEMO } from './support/account.js';
import { useSandbox } from './support/sandbox-fixture.js';

const fixture = useSandbox();
const clients: ChatClient[] = [];

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
});

function client(baseUrl: string, timeoutMs = 5_000): ChatClient {
  // Without the client's own retries, every failed request is one failed poll of the watch.
  const chat = createChatClient({
    transport: 'post',
    baseUrl,
    credentials: DEMO,
    allowInsecureHttp: true,
    timeoutMs,
    retry: false,
  });
  clients.push(chat);
  return chat;
}

let nextDestination = 0;
function conversation() {
  nextDestination += 1;
  return {
    platform: 'whatsapp' as const,
    platformId: '100',
    destination: `3461100${String(nextDestination).padStart(4, '0')}`,
  };
}

/** Injects an inbound message through the sandbox's HTTP door, as a separate process would. */
async function inject(destination: string, message: string): Promise<void> {
  const response = await fetch(`${fixture.sandbox.url}/__sandbox/inbound`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      user: DEMO.user,
      platform: 'whatsapp',
      platformId: '100',
      destination,
      message,
    }),
  });
  expect(response.status).toBe(201);
}

describe('watchUnreadMessages against the sandbox', () => {
  it('yields replies injected while watching, each once, oldest first', async () => {
    const chat = client(fixture.sandbox.url);
    const ref = conversation();
    await chat.sendMessage({ ...ref, message: 'Anyone there?' });
    const controller = new AbortController();
    const watch = chat.watchUnreadMessages({ ...ref, intervalMs: 20, signal: controller.signal });

    const received: string[] = [];
    const consuming = (async () => {
      for await (const m of watch) {
        expect(m).toMatchObject({
          destination: ref.destination,
          platform: 'whatsapp',
          platformId: '100',
          sent: false,
        });
        received.push(m.message);
        if (received.length === 3) controller.abort();
      }
    })();
    await inject(ref.destination, 'first');
    await new Promise((resolve) => setTimeout(resolve, 60));
    await inject(ref.destination, 'second');
    await inject(ref.destination, 'third');
    await consuming;
    expect(received).toEqual(['first', 'second', 'third']);
    expect(await chat.getUnreadMessages(ref)).toEqual([]);
  });

  it('keeps the rest of a fetched batch after a break', async () => {
    const chat = client(fixture.sandbox.url);
    const ref = conversation();
    for (const text of ['a', 'b', 'c']) await inject(ref.destination, text);
    const watch = chat.watchUnreadMessages({ ...ref, intervalMs: 20 });
    for await (const m of watch) {
      expect(m.message).toBe('a');
      break;
    }
    expect(watch.takeUndelivered().map((m) => m.message)).toEqual(['b', 'c']);
    expect(await chat.getUnreadMessages(ref)).toEqual([]);
  });

  it('ends cleanly when aborted in the middle of a poll', async () => {
    let held: { req: IncomingMessage; closed: Promise<void> } | undefined;
    let markArrived = () => {};
    const arrived = new Promise<void>((resolve) => {
      markArrived = resolve;
    });
    const { url } = await fixture.listen((req, res) => {
      // Never answers: the poll is still in flight when the watch is aborted.
      held = { req, closed: new Promise((resolve) => res.once('close', () => resolve())) };
      req.resume();
      markArrived();
    });
    const chat = client(url);
    const controller = new AbortController();
    const watch = chat.watchUnreadMessages({
      ...conversation(),
      intervalMs: 20,
      signal: controller.signal,
    });
    const pending = watch.next();
    await arrived;
    controller.abort();
    await expect(pending).resolves.toEqual({ done: true, value: undefined });
    expect(held?.req.method).toBe('POST');
    await held?.closed;
    expect(await watch.next()).toEqual({ done: true, value: undefined });
  });

  it('backs off exponentially while the server fails, then delivers', async () => {
    const ref = conversation();
    await inject(ref.destination, 'after the outage');
    const arrivals: number[] = [];
    const { url } = await fixture.listen((req, res) => {
      arrivals.push(performance.now());
      if (arrivals.length <= 4) {
        req.resume();
        res.writeHead(503, { 'content-type': 'text/plain' }).end('Service Unavailable');
        return;
      }
      fixture.forward(req, res).catch(() => res.destroy());
    });
    const chat = client(url);
    const retries: Array<{ code: string; delayMs: number }> = [];
    const watch = chat.watchUnreadMessages({
      ...ref,
      intervalMs: 25,
      maxBackoffMs: 100,
      onRetry: (error: AfilnetTransportError, delayMs) =>
        retries.push({ code: error.code, delayMs }),
    });
    const first = await watch.next();
    await watch.return?.();
    expect(first.value?.message).toBe('after the outage');
    expect(retries).toEqual([
      { code: 'HTTP_STATUS', delayMs: 25 },
      { code: 'HTTP_STATUS', delayMs: 50 },
      { code: 'HTTP_STATUS', delayMs: 100 },
      { code: 'HTTP_STATUS', delayMs: 100 },
    ]);
    const gaps = arrivals.slice(1).map((at, i) => at - (arrivals[i] ?? 0));
    expect(gaps[0]).toBeGreaterThanOrEqual(23);
    expect(gaps[1]).toBeGreaterThanOrEqual(48);
    expect(gaps[2]).toBeGreaterThanOrEqual(98);
    expect(gaps[3]).toBeGreaterThanOrEqual(98);
  });

  it('rejects with the API error when the conversation does not exist', async () => {
    const chat = client(fixture.sandbox.url);
    const watch = chat.watchUnreadMessages({ ...conversation(), intervalMs: 20 });
    await expect(watch.next()).rejects.toMatchObject({ code: 'CHAT_NOT_FOUND' });
  });
});
