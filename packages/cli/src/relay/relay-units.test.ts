/**
 * The relay's parts on their own: the secret's form, the retry pauses, the order per key, one
 * attempt; and the in-process relay's delivery loop against the sandbox.
 */
import { getEventListeners } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { createChatClient, createFileCheckpoint } from '@afilnet-chat/core';
import {
  createInboundState,
  type InboundCheckpoint,
  type InboundMessage,
} from '@afilnet-chat/core/inbound';
import { DEMO_ACCOUNT, startSandbox, type Sandbox } from '@afilnet-chat/sandbox';
import { createFailedFile } from './failed-deliveries.js';
import { postWebhook } from './post-webhook.js';
import { runInProcessRelay } from './relay-in-process.js';
import { retryDelay, FIRST_RETRY_DELAY_MS, MAX_RETRY_DELAY_MS } from './retry-schedule.js';
import { createLimiter, createSequencer } from './sequencer.js';
import { webhookBody, webhookId } from './webhook-event.js';
import { checkWebhookSecret } from './webhook-secret.js';
import { createWebhookSigner } from './webhook-signer.js';

const SECRET = `whsec_${Buffer.alloc(32, 1).toString('base64')}`;
const message = {
  platform: 'whatsapp',
  platformId: '100',
  destination: '346',
  messageId: '7',
  message: 'hi',
  sent: false,
  status: 'unread',
  datetime: '2024-05-01 10:00:00',
} as const;

describe('checkWebhookSecret', () => {
  it('accepts whsec_ + base64 of 24 to 64 bytes and refuses the rest without quoting it', () => {
    for (const bytes of [24, 32, 64])
      expect(checkWebhookSecret(`whsec_${Buffer.alloc(bytes, 9).toString('base64')}`)).toEqual({
        ok: true,
      });
    const refused = [
      undefined,
      '',
      'whsec_',
      'abc',
      `whsec_${Buffer.alloc(23, 9).toString('base64')}`,
      `whsec_${Buffer.alloc(65, 9).toString('base64')}`,
      'whsec_@@@@',
      'whsec_abc',
    ];
    for (const secret of refused) {
      const check = checkWebhookSecret(secret);
      expect(check.ok).toBe(false);
      if (!check.ok && secret) expect(check.reason).not.toContain(secret.slice(6) || secret);
    }
  });
});

describe('createWebhookSigner', () => {
  it('signs as standardwebhooks does, and never shows the key', () => {
    const reference = new Webhook(SECRET);
    const signer = createWebhookSigner(SECRET);
    const bodies = [
      '{}',
      webhookBody({ ...message, message: 'héllo 👋 \u2028 "quoted"' }, 0),
      JSON.stringify({ text: 'x'.repeat(5_000) }),
    ];
    for (const [i, body] of bodies.entries()) {
      const at = new Date(1_700_000_000_123 + i * 1_000);
      const signature = signer.sign(`msg_${i}`, at, body);
      expect(signature).toBe(reference.sign(`msg_${i}`, at, body));
      const headers = {
        'webhook-id': `msg_${i}`,
        'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
        'webhook-signature': signer.sign(`msg_${i}`, new Date(), body),
      };
      expect(() => reference.verify(body, headers)).not.toThrow();
      expect(() => reference.verify(`${body} `, headers)).toThrow();
    }
    const key = SECRET.slice('whsec_'.length);
    expect(inspect(signer, { depth: 5, showHidden: true })).not.toContain(key);
    expect(JSON.stringify(signer)).not.toContain(key);
  });
});

describe('retryDelay', () => {
  it('doubles from 1 s up to an hour, with jitter within the upper half, and honours Retry-After', () => {
    expect(retryDelay(1, undefined, () => 0)).toBe(FIRST_RETRY_DELAY_MS / 2);
    expect(retryDelay(1, undefined, () => 0.999_999)).toBe(FIRST_RETRY_DELAY_MS);
    expect(retryDelay(4, undefined, () => 0)).toBe(4_000);
    expect(retryDelay(40, undefined, () => 0.999_999)).toBeCloseTo(MAX_RETRY_DELAY_MS, -1);
    expect(retryDelay(3, 7_000, () => 0)).toBe(7_000);
  });
});

describe('createSequencer', () => {
  it('runs one key in order and different keys together; a failure does not block the next task', async () => {
    const sequencer = createSequencer();
    const log: string[] = [];
    const task =
      (name: string, ms: number, fail = false) =>
      async () => {
        log.push(`start ${name}`);
        await new Promise((resolve) => setTimeout(resolve, ms));
        log.push(`end ${name}`);
        if (fail) throw new Error(name);
      };
    const runs = [
      sequencer.run('a', task('a1', 30, true)),
      sequencer.run('a', task('a2', 1)),
      sequencer.run('b', task('b1', 5)),
    ];
    await expect(runs[0]).rejects.toThrow('a1');
    await Promise.all(runs.slice(1));
    expect(log.indexOf('start b1')).toBeLessThan(log.indexOf('end a1'));
    expect(log.indexOf('end a1')).toBeLessThan(log.indexOf('start a2'));
    await sequencer.idle();
    expect(sequencer.size).toBe(0);
  });

  it('limits how many run at once', async () => {
    const limit = createLimiter(2);
    let running = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 6 }, () =>
        limit(async () => {
          running += 1;
          most = Math.max(most, running);
          await new Promise((resolve) => setTimeout(resolve, 5));
          running -= 1;
        }),
      ),
    );
    expect(most).toBe(2);
  });
});

describe('postWebhook', () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  });
  const listen = async (handler: Parameters<typeof createServer>[1]) => {
    server = createServer(handler);
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    return new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`);
  };

  it('signs so that standardwebhooks verifies, and the id derives from the message alone', async () => {
    const received: Array<{ body: string; headers: Record<string, string> }> = [];
    const url = await listen(async (req, res) => {
      let body = '';
      for await (const chunk of req) body += chunk;
      received.push({ body, headers: req.headers as Record<string, string> });
      res.writeHead(204).end();
    });
    const id = webhookId('user@example.com', message);
    expect(id).toBe(
      webhookId('user@example.com', { platform: 'whatsapp', platformId: '100', messageId: '7' }),
    );
    expect(id).not.toBe(webhookId('other@example.com', message));
    expect(id).not.toBe(webhookId('user@example.com', { ...message, platformId: '101' }));
    const outcome = await postWebhook(
      { url, signer: new Webhook(SECRET) },
      id,
      webhookBody(message, 0),
    );
    expect(outcome).toEqual({ ok: true, status: 204 });
    const [first] = received;
    expect(first?.headers['webhook-id']).toBe(id);
    expect(first?.headers['content-type']).toBe('application/json');
    expect(new Webhook(SECRET).verify(first?.body ?? '', first?.headers ?? {})).toEqual({
      type: 'message.received',
      timestamp: '1970-01-01T00:00:00.000Z',
      data: message,
    });
  });

  it('does not follow a redirect, reads Retry-After on 429 and 503 only, and gives up at the timeout', async () => {
    const statuses = [
      [302, { location: 'https://elsewhere.example/' }],
      [429, { 'retry-after': '3' }],
      [503, { 'retry-after': '1' }],
      [500, { 'retry-after': '9' }],
    ] as const;
    let index = 0;
    const url = await listen((_req, res) => {
      const answer = statuses[index++];
      if (answer === undefined) return; // never answers: the timeout
      res.writeHead(answer[0], answer[1]).end();
    });
    const target = { url, signer: new Webhook(SECRET), timeoutMs: 300 };
    expect(await postWebhook(target, 'msg_1', '{}')).toEqual({
      ok: false,
      status: 302,
      reason: 'HTTP 302 (redirects are not followed)',
    });
    expect(await postWebhook(target, 'msg_1', '{}')).toEqual({
      ok: false,
      status: 429,
      retryAfterMs: 3_000,
      reason: 'HTTP 429',
    });
    expect(await postWebhook(target, 'msg_1', '{}')).toEqual({
      ok: false,
      status: 503,
      retryAfterMs: 1_000,
      reason: 'HTTP 503',
    });
    expect(await postWebhook(target, 'msg_1', '{}')).toEqual({
      ok: false,
      status: 500,
      reason: 'HTTP 500',
    });
    expect(await postWebhook(target, 'msg_1', '{}')).toEqual({
      ok: false,
      reason: 'timeout after 300 ms',
    });
  });

  it('lets the status decide once it came: a long, a stalled or a stopped answer body', async () => {
    const url = await listen((req, res) => {
      if (req.url === '/hook/long') {
        // More than the 64 KiB read of an answer: the connection is dropped, the 200 stands.
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('x'.repeat(256 * 1024));
      } else if (req.url === '/hook/stalled') {
        res.writeHead(202, { 'content-type': 'text/plain' });
        res.write('partial');
      } else res.writeHead(500).write('partial');
    });
    const signer = new Webhook(SECRET);
    const at = (path: string) => new URL(path, url);
    expect(await postWebhook({ url: at('/hook/long'), signer }, 'msg_1', '{}')).toEqual({
      ok: true,
      status: 200,
    });
    expect(
      await postWebhook({ url: at('/hook/stalled'), signer, timeoutMs: 300 }, 'msg_1', '{}'),
    ).toEqual({ ok: true, status: 202 });
    const stop = new AbortController();
    const stopping = postWebhook({ url: at('/hook/failing'), signer }, 'msg_1', '{}', stop.signal);
    setTimeout(() => stop.abort(), 300);
    expect(await stopping).toEqual({ ok: false, status: 500, reason: 'HTTP 500' });
  });

  it('ends an unanswered attempt when its signal fires, and leaves no listener on the signal', async () => {
    const url = await listen((req, res) => {
      if (req.url === '/hook/ok') res.writeHead(204).end();
    });
    const signer = new Webhook(SECRET);
    const stop = new AbortController();
    for (let i = 0; i < 20; i++)
      expect(
        await postWebhook({ url: new URL('/hook/ok', url), signer }, 'msg_1', '{}', stop.signal),
      ).toEqual({ ok: true, status: 204 });
    expect(getEventListeners(stop.signal, 'abort')).toHaveLength(0);
    const started = Date.now();
    const waiting = postWebhook({ url, signer }, 'msg_1', '{}', stop.signal);
    setTimeout(() => stop.abort(), 200);
    expect(await waiting).toEqual({ ok: false, reason: 'stopped' });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(getEventListeners(stop.signal, 'abort')).toHaveLength(0);
    expect(await postWebhook({ url, signer }, 'msg_1', '{}', stop.signal)).toEqual({
      ok: false,
      reason: 'stopped',
    });
  });

  it('reports a refused connection as a network failure', async () => {
    const url = await listen(() => undefined);
    server?.close();
    const outcome = await postWebhook({ url, signer: new Webhook(SECRET) }, 'msg_1', '{}');
    expect(outcome).toMatchObject({ ok: false, reason: 'network failure ECONNREFUSED' });
  });
});

describe('runInProcessRelay', () => {
  let sandbox: Sandbox | undefined;
  let receiver: Server | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    receiver?.closeAllConnections();
    await new Promise((resolve) => receiver?.close(resolve));
    await sandbox?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('delivers a poll of many messages once each, in order per conversation, applying acknowledgements in batches', async () => {
    sandbox = await startSandbox();
    const conversations = 40;
    const perConversation = 5;
    const injected = sandbox.injectInboundBulk({
      user: DEMO_ACCOUNT.user,
      messages: Array.from({ length: perConversation }, (_, i) =>
        Array.from({ length: conversations }, (_, c) => ({
          platform: 'whatsapp',
          platformId: '100',
          destination: `contact-${c}`,
          message: `${c} ${i}`,
        })),
      ).flat(),
    });
    const total = conversations * perConversation;
    expect(injected.count).toBe(total);

    const stop = new AbortController();
    const delivered: Array<{ id: string; text: string }> = [];
    receiver = createServer(async (req, res) => {
      let body = '';
      for await (const chunk of req) body += chunk;
      const event = new Webhook(SECRET).verify(body, req.headers as Record<string, string>) as {
        data: { message: string };
      };
      delivered.push({ id: String(req.headers['webhook-id']), text: event.data.message });
      res.writeHead(204).end();
      if (delivered.length === total) stop.abort();
    });
    await new Promise<void>((resolve) => receiver?.listen(0, '127.0.0.1', resolve));
    const url = new URL(`http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`);

    dir = await mkdtemp(join(tmpdir(), 'afilnet-relay-units-'));
    const file = createFileCheckpoint(join(dir, 'relay.json'));
    // The real file checkpoint, with slow journal appends (so that acknowledgements pile up
    // while one runs) and a count of every write and of every new pending list.
    let writes = 0;
    let pendingLists = 0;
    const checkpoint: InboundCheckpoint = {
      async open() {
        const state = (await file.open()) ?? createInboundState();
        let pending = state.pending;
        Object.defineProperty(state, 'pending', {
          enumerable: true,
          get: () => pending,
          set: (list: InboundMessage[]) => {
            pendingLists += 1;
            pending = list;
          },
        });
        return state;
      },
      async save(state) {
        writes += 1;
        await file.save(state);
      },
      async acknowledge(ids) {
        writes += 1;
        await new Promise((resolve) => setTimeout(resolve, 5));
        await file.acknowledge?.(ids);
      },
      close: () => file.close(),
    };
    const chat = createChatClient({
      transport: 'post',
      baseUrl: sandbox.url,
      allowInsecureHttp: true,
      credentials: { user: DEMO_ACCOUNT.user, password: DEMO_ACCOUNT.password },
    });
    try {
      await runInProcessRelay({
        api: chat,
        checkpoint,
        failed: createFailedFile(join(dir, 'relay.failed.json')),
        target: { url, signer: createWebhookSigner(SECRET) },
        account: DEMO_ACCOUNT.user,
        intervalMs: 60_000,
        maxBackoffMs: 60_000,
        retryWindowMs: 60_000,
        concurrency: 8,
        channels: [{ platform: 'whatsapp', platformId: '100' }],
        stop: stop.signal,
      });
    } finally {
      await chat.close();
    }

    expect(delivered).toHaveLength(total);
    expect(new Set(delivered.map((d) => d.id)).size).toBe(total);
    for (let c = 0; c < conversations; c++) {
      const texts = delivered.filter((d) => d.text.startsWith(`${c} `)).map((d) => d.text);
      expect(texts).toEqual(Array.from({ length: perConversation }, (_, i) => `${c} ${i}`));
    }
    // One pass over the pending list per write at most, not one per message.
    expect(pendingLists).toBeLessThanOrEqual(writes);
    expect(pendingLists).toBeLessThan(total / 2);
    const reopened = createFileCheckpoint(join(dir, 'relay.json'));
    expect((await reopened.open())?.pending).toEqual([]);
    await reopened.close();
  }, 30_000);
});
