/**
 * The sandbox at the scale of an account-wide listener, over real sockets: channels added at
 * start and while it runs, bulk inbound injection (a list or generated conversations) with its
 * refusals and limits, `getchats` giving the latest message of each of thousands of
 * conversations quickly, the request counts a poll's cost is measured with, and chaos rules on
 * the inbound methods.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { AfilnetTransportError, createChatClient, type ChatClient } from '@afilnet-chat/core';
import { startSandbox, type Sandbox } from '@afilnet-chat/sandbox';
import { DEMO } from './support/account.js';
import { rawRequest } from './support/raw-request.js';

const JSON_TYPE = { 'content-type': 'application/json' };
const WHATSAPP = { platform: 'whatsapp', platformId: '100' } as const;
/** Four more WhatsApp numbers, given at start: the big channels of the scale tests. */
const BIG_CHANNELS = ['101', '102', '103', '104'].map((platformId) => ({
  platform: 'whatsapp' as const,
  platformId,
}));
const SMALL_CHANNEL = { platform: 'telegram', platformId: '200' } as const;

let sandbox: Sandbox;
let chat: ChatClient;
beforeAll(async () => {
  sandbox = await startSandbox({
    channels: [...BIG_CHANNELS, { platform: 'webchat', platformId: '301', name: 'Support site' }],
    maxRequestBytes: 64 * 1024,
  });
  chat = createChatClient({
    transport: 'post',
    baseUrl: sandbox.url,
    credentials: DEMO,
    allowInsecureHttp: true,
    retry: false,
  });
});
afterAll(async () => {
  await chat.close();
  await sandbox.close();
});
beforeEach(() => sandbox.reset());

const post = (path: string, body: unknown) =>
  fetch(`${sandbox.url}${path}`, {
    method: 'POST',
    headers: JSON_TYPE,
    body: JSON.stringify(body),
  });

/** Runs `call` `runs` times one after the other; answers the median duration in milliseconds. */
async function medianMs(runs: number, call: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await call();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(runs / 2)] as number;
}

/** `getchats` over the POST flavour, its body read whole. */
async function getChatsOverHttp(channel: {
  platform: string;
  platformId: string;
}): Promise<unknown> {
  const form = new URLSearchParams({
    class: 'chat',
    method: 'getchats',
    user: DEMO.user,
    password: DEMO.password,
    platform: channel.platform,
    platformid: channel.platformId,
  });
  const res = await request(`${sandbox.url}/api/http/`, {
    method: 'POST',
    body: form.toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  return res.body.json();
}

describe('channels', () => {
  it('has the channels given at start, several per platform, and those added while it runs, across resets', async () => {
    const before = await chat.getChatChannels();
    expect(before.filter((c) => c.platform === 'whatsapp').map((c) => c.platformId)).toEqual([
      '100',
      '101',
      '102',
      '103',
      '104',
    ]);
    expect(before).toContainEqual(
      expect.objectContaining({ platform: 'webchat', platformId: '301', name: 'Support site' }),
    );

    const overHttp = await post('/__sandbox/channels', {
      channels: [
        { platform: 'telegram', platformId: '201', name: 'Bot two' },
        { platform: 'whatsapp', platformId: '100' },
      ],
    });
    expect(overHttp.status).toBe(200);
    expect(await overHttp.json()).toMatchObject({
      added: 1,
      channels: expect.arrayContaining([
        { platform: 'telegram', platformId: '201', name: 'Bot two' },
      ]),
    });
    expect(
      sandbox.addChannels({ channels: [{ platform: 'operator', platformId: '401' }] }).added,
    ).toBe(1);
    sandbox.reset();
    const after = await chat.getChatChannels();
    expect(after.map((c) => `${c.platform} ${c.platformId}`)).toEqual(
      expect.arrayContaining(['telegram 201', 'operator 401']),
    );
    await chat.sendMessage({
      platform: 'telegram',
      platformId: '201',
      destination: 'd',
      message: 'from the second bot',
    });
    expect(sandbox.messages({ platformId: '201' })).toHaveLength(1);
  });

  it('refuses a bad channel request with 400 naming the field, a non-JSON body with 415, a foreign Host with 403', async () => {
    const bad = await post('/__sandbox/channels', {
      channels: [{ platform: 'sms', platformId: '1' }],
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(
      /^invalid channels request: channels\[0\]\.platform: /,
    );
    const form = await fetch(`${sandbox.url}/__sandbox/channels`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: '{}',
    });
    expect(form.status).toBe(415);
    const rebound = await rawRequest(
      `${sandbox.url}/__sandbox/channels`,
      'POST',
      { host: 'evil.example', ...JSON_TYPE },
      JSON.stringify({ channels: [{ platform: 'whatsapp', platformId: '666' }] }),
    );
    expect(rebound.status).toBe(403);
    expect((await chat.getChatChannels()).map((c) => c.platformId)).not.toContain('666');
    expect(() =>
      sandbox.addChannels({
        user: 'nobody@example.com',
        channels: [{ platform: 'whatsapp', platformId: '7' }],
      }),
    ).toThrow(TypeError);
  });

  it('checks the channels option at start', async () => {
    await expect(
      startSandbox({ channels: [{ platform: 'whatsapp', platformId: '' }] }),
    ).rejects.toThrow(/invalid channels: \[0\]\.platformId/);
  });
});

describe('bulk inbound injection', () => {
  it('injects a list over HTTP, each message unread with its own id and date, visible to the API', async () => {
    const answer = await post('/__sandbox/inbound/bulk', {
      messages: [
        { ...WHATSAPP, destination: 'c1', message: 'first' },
        { ...WHATSAPP, destination: 'c2', message: 'second' },
        { ...WHATSAPP, destination: 'c1', message: 'third' },
      ],
    });
    expect(answer.status).toBe(201);
    const result = (await answer.json()) as {
      count: number;
      firstMessageId: string;
      lastMessageId: string;
    };
    expect(result).toEqual({
      count: 3,
      firstMessageId: expect.stringMatching(/^\d+$/),
      lastMessageId: String(Number(result.firstMessageId) + 2),
    });
    const unread = await chat.getUnreadMessages({ ...WHATSAPP, destination: 'c1' });
    expect(unread.map((m) => [m.message, m.messageId])).toEqual([
      ['first', result.firstMessageId],
      ['third', result.lastMessageId],
    ]);
    expect(unread.map((m) => m.datetime)).toEqual([
      expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/),
      expect.any(String),
    ]);
    expect(sandbox.messages({ direction: 'inbound' })).toHaveLength(3);
  });

  it('generates conversations from code and over HTTP, on the channels named', async () => {
    const fromCode = sandbox.injectInboundBulk({
      generate: {
        channels: BIG_CHANNELS.slice(0, 2),
        conversationsPerChannel: 5,
        messagesPerConversation: 2,
      },
    });
    expect(fromCode.count).toBe(20);
    const overHttp = await post('/__sandbox/inbound/bulk', {
      generate: {
        channels: [SMALL_CHANNEL],
        conversationsPerChannel: 3,
        destinationPrefix: '34600',
      },
    });
    expect(await overHttp.json()).toMatchObject({
      count: 3,
      firstMessageId: String(Number(fromCode.lastMessageId) + 1),
    });
    expect(
      (await chat.getChats({ platform: 'whatsapp', platformId: '101' })).map((c) => c.destination),
    ).toHaveLength(5);
    expect((await chat.getChats(SMALL_CHANNEL)).map((c) => c.destination)).toEqual([
      '346003',
      '346002',
      '346001',
    ]);
    expect(await chat.getChats(WHATSAPP)).toEqual([]);
  });

  it('refuses a bad request with 400 naming the field and stores nothing; a body past the size cap gets 413', async () => {
    const bad = await post('/__sandbox/inbound/bulk', {
      messages: [
        { ...WHATSAPP, destination: 'x', message: '' },
        { platform: 'whatsapp', platformId: '999', destination: 'x', message: 'y' },
      ],
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({
      error: 'invalid bulk inbound: messages[0].message: must be a non-empty string',
    });
    const unknownChannel = await post('/__sandbox/inbound/bulk', {
      messages: [
        { ...WHATSAPP, destination: 'x', message: 'y' },
        { platform: 'whatsapp', platformId: '999', destination: 'x', message: 'y' },
      ],
    });
    expect(await unknownChannel.json()).toEqual({
      error:
        'invalid bulk inbound: messages[1]: account "demo@example.com" has no whatsapp channel 999',
    });
    const tooMany = await post('/__sandbox/inbound/bulk', {
      generate: { conversationsPerChannel: 20_000, messagesPerConversation: 2 },
    });
    expect(tooMany.status).toBe(400);
    expect(((await tooMany.json()) as { error: string }).error).toMatch(/at most 100000 per call/);
    const big = Array.from({ length: 2_000 }, (_, i) => ({
      ...WHATSAPP,
      destination: `d${i}`,
      message: 'a message long enough to pass the cap',
    }));
    const tooLarge = await post('/__sandbox/inbound/bulk', { messages: big });
    expect(tooLarge.status).toBe(413);
    const wrongMethod = await fetch(`${sandbox.url}/__sandbox/inbound/bulk`);
    expect(wrongMethod.status).toBe(405);
    expect(() => sandbox.injectInboundBulk({ generate: { conversationsPerChannel: 0 } })).toThrow(
      /generate\.conversationsPerChannel/,
    );
    expect(sandbox.messages()).toEqual([]);
  });
});

describe('the request log and its counts', () => {
  it('counts API calls by method past the log, filtered, cleared without touching messages, and holds no credential', async () => {
    sandbox.injectInbound({ user: DEMO.user, ...WHATSAPP, destination: 'r1', message: 'hi' });
    await chat.getChats(WHATSAPP);
    await chat.getUnreadMessages({ ...WHATSAPP, destination: 'r1' });
    await expect(chat.getMessages({ ...WHATSAPP, destination: 'nobody' })).rejects.toMatchObject({
      code: 'CHAT_NOT_FOUND',
    });
    expect(sandbox.requestCounts()).toEqual({ getchats: 1, getunreadmessages: 1, getmessages: 1 });
    expect(sandbox.requestCounts({ code: 'CHAT_NOT_FOUND' })).toEqual({ getmessages: 1 });
    const overHttp = await fetch(
      `${sandbox.url}/__sandbox/requests/counts?flavour=post&method=getchats`,
    );
    expect(await overHttp.json()).toEqual({ getchats: 1 });
    const everything = JSON.stringify([
      sandbox.requests(),
      sandbox.requestCounts(),
      await (await fetch(`${sandbox.url}/__sandbox/requests`)).text(),
    ]);
    expect(everything).not.toContain(DEMO.password);

    expect((await fetch(`${sandbox.url}/__sandbox/requests`, { method: 'DELETE' })).status).toBe(
      204,
    );
    expect(sandbox.requests()).toEqual([]);
    expect(sandbox.requestCounts()).toEqual({});
    expect(sandbox.messages({ destination: 'r1' })).toHaveLength(1);
    await chat.getChats(WHATSAPP);
    sandbox.clearRequests();
    expect(sandbox.requestCounts()).toEqual({});
    const rebound = await rawRequest(`${sandbox.url}/__sandbox/requests`, 'DELETE', {
      host: 'evil.example',
    });
    expect(rebound.status).toBe(403);
  });
});

describe('10,000 conversations', () => {
  it('injects 10,000 messages into 10,000 conversations at once; getchats gives each latest message, quickly', async () => {
    const injected = sandbox.injectInboundBulk({
      generate: { channels: BIG_CHANNELS, conversationsPerChannel: 2_500 },
    });
    expect(injected.count).toBe(10_000);
    sandbox.injectInboundBulk({
      generate: { channels: [SMALL_CHANNEL], conversationsPerChannel: 10 },
    });

    const big = await chat.getChats(BIG_CHANNELS[0] as (typeof BIG_CHANNELS)[number]);
    expect(big).toHaveLength(2_500);
    expect(new Set(big.map((m) => m.destination)).size).toBe(2_500);
    expect(big[0]).toMatchObject({
      destination: 'contact-2500',
      message: 'Message 1 from contact-2500 on whatsapp 101',
      sent: false,
    });

    // A poller tells which conversation changed from getchats alone: its latest message id moved.
    const before = new Map(big.map((m) => [m.destination, m.messageId]));
    const fresh = sandbox.injectInbound({
      user: DEMO.user,
      platform: 'whatsapp',
      platformId: '101',
      destination: 'contact-7',
      message: 'again',
    });
    const after = await chat.getChats({ platform: 'whatsapp', platformId: '101' });
    const changed = after.filter((m) => before.get(m.destination) !== m.messageId);
    expect(changed.map((m) => [m.destination, m.messageId, m.message])).toEqual([
      ['contact-7', fresh.messageId, 'again'],
    ]);
    expect(after[0]?.destination).toBe('contact-7');

    await getChatsOverHttp(SMALL_CHANNEL);
    await getChatsOverHttp(BIG_CHANNELS[0] as (typeof BIG_CHANNELS)[number]);
    const smallMs = await medianMs(21, () => getChatsOverHttp(SMALL_CHANNEL));
    const bigMs = await medianMs(21, () =>
      getChatsOverHttp(BIG_CHANNELS[0] as (typeof BIG_CHANNELS)[number]),
    );
    // 250 times the conversations and an answer 250 times as long, yet under 250 times the time
    // (about 30 here): the cost grows at most linearly with the channel, never with its square.
    // That it does not grow with the rest of the account is shown without sockets, in
    // packages/sandbox/src/state/sandbox-state.test.ts.
    expect(
      bigMs / smallMs,
      `getchats: ${bigMs.toFixed(2)} ms for 2,500 conversations, ${smallMs.toFixed(2)} ms for 10`,
    ).toBeLessThan(250);
  }, 60_000);
});

describe('chaos on the inbound methods', () => {
  it('applies status faults to getchats, getmessages and getunreadmessages like any method', async () => {
    sandbox.injectInbound({ user: DEMO.user, ...WHATSAPP, destination: 'k1', message: 'hi' });
    for (const method of ['getchats', 'getmessages', 'getunreadmessages'] as const) {
      sandbox.chaos([{ method, times: 1, fault: { status: 503 } }]);
      const call =
        method === 'getchats'
          ? chat.getChats(WHATSAPP)
          : method === 'getmessages'
            ? chat.getMessages({ ...WHATSAPP, destination: 'k1' })
            : chat.getUnreadMessages({ ...WHATSAPP, destination: 'k1' });
      await expect(call).rejects.toMatchObject({ code: 'HTTP_STATUS', httpStatus: 503 });
      expect(sandbox.requests({ method }).map((r) => [r.status, r.chaos])).toEqual([
        [503, 'status 503'],
      ]);
    }
    // The refused getunreadmessages marked nothing read.
    expect(await chat.getUnreadMessages({ ...WHATSAPP, destination: 'k1' })).toMatchObject([
      { message: 'hi' },
    ]);
  });

  it('drops getunreadmessages before it marks anything read, or after: then the messages are read and the answer lost', async () => {
    sandbox.injectInbound({ user: DEMO.user, ...WHATSAPP, destination: 'k2', message: 'one' });
    sandbox.injectInbound({ user: DEMO.user, ...WHATSAPP, destination: 'k2', message: 'two' });
    const conversation = { ...WHATSAPP, destination: 'k2' };

    sandbox.chaos([{ method: 'getunreadmessages', times: 1, fault: { reset: 'before-commit' } }]);
    await expect(chat.getUnreadMessages(conversation)).rejects.toBeInstanceOf(
      AfilnetTransportError,
    );
    expect(sandbox.messages({ destination: 'k2' }).map((m) => m.status)).toEqual([
      'unread',
      'unread',
    ]);

    sandbox.chaos([{ method: 'getunreadmessages', times: 1, fault: { reset: 'after-commit' } }]);
    await expect(chat.getUnreadMessages(conversation)).rejects.toMatchObject({ code: 'NETWORK' });
    expect(sandbox.messages({ destination: 'k2' }).map((m) => m.status)).toEqual(['read', 'read']);
    expect(await chat.getUnreadMessages(conversation)).toEqual([]);
    // What recovers them: the whole conversation.
    expect((await chat.getMessages(conversation)).map((m) => [m.message, m.status])).toEqual([
      ['one', 'read'],
      ['two', 'read'],
    ]);
  });

  it('delays getchats as asked', async () => {
    sandbox.chaos([{ method: 'getchats', flavour: 'post', times: 1, fault: { delayMs: 300 } }]);
    const started = performance.now();
    await chat.getChats(WHATSAPP);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    expect(sandbox.requests({ method: 'getchats' })).toMatchObject([{ chaos: 'delay 300 ms' }]);
  });
});
