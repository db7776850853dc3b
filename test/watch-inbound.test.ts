/**
 * `watchInbound` and its poll step against the sandbox over real sockets: a first message from an
 * unknown customer, the cost of a poll counted from the sandbox's request log (4 channels × 250
 * conversations), acknowledgement by asking for the next message, the checkpoint shared by
 * watches one after another, errors, and `close()`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, expectTypeOf, it } from 'vitest';
import {
  createChatClient,
  createFileCheckpoint,
  createMemoryCheckpoint,
  type InboundCheckpoint,
  type AfilnetTransportError,
  type ChatClient,
  type ChatMessage,
  type Platform,
  type SendMessageInput,
} from '@afilnet-chat/core';
import { createInboundState, pollInbound, type InboundState } from '@afilnet-chat/core/inbound';
import { CHANNELS, DEMO } from './support/account.js';
import { useSandbox } from './support/sandbox-fixture.js';
import { waitFor } from './support/wait-for.js';

const fixture = useSandbox();
const clients: ChatClient[] = [];
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
});
beforeEach(() => fixture.sandbox.reset());

function client(credentials: { user: string; password: string } = DEMO): ChatClient {
  const chat = createChatClient({
    transport: 'post',
    baseUrl: fixture.sandbox.url,
    credentials,
    allowInsecureHttp: true,
    timeoutMs: 5_000,
  });
  clients.push(chat);
  return chat;
}

function inject(channel: (typeof CHANNELS)[number], destination: string, message: string): string {
  return fixture.sandbox.injectInbound({ user: DEMO.user, ...channel, destination, message })
    .messageId;
}

/** The API calls answered since `from` (an index into the request log), by method. */
function callsSince(from: number): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of fixture.sandbox.requests().slice(from))
    counts[r.method] = (counts[r.method] ?? 0) + 1;
  return counts;
}

describe('watchInbound against the sandbox', () => {
  it('delivers the first message of a customer it has never seen', async () => {
    const chat = client();
    const controller = new AbortController();
    const watch = chat.watchInbound({ intervalMs: 20, signal: controller.signal });
    const first = watch.next();
    // The watch is running (its first poll found nothing) before the customer writes.
    await waitFor(() => fixture.sandbox.requests({ method: 'getchats' }).length >= 4);
    const id = inject(CHANNELS[2], 'visitor-42', 'Hello, is anyone there?');
    const { value } = (await first) as IteratorResult<ChatMessage>;
    expect(value).toMatchObject({
      messageId: id,
      platform: 'webchat',
      platformId: '300',
      destination: 'visitor-42',
      sent: false,
    });
    controller.abort();
    expect(await watch.next()).toEqual({ done: true, value: undefined });
  });

  it('yields messages that answer their conversation as they are, with no cast', async () => {
    const chat = client();
    const controller = new AbortController();
    const watch = chat.watchInbound({ intervalMs: 20, signal: controller.signal });
    const id = inject(CHANNELS[0], '34600000042', 'Where is my order?');
    const next = await watch.next();
    if (next.done === true) throw new Error('the watch ended before the message');
    const message = next.value;
    expectTypeOf(message.platform).toEqualTypeOf<Platform>();
    expectTypeOf(message).toExtend<Omit<SendMessageInput, 'message'>>();
    expect(message.messageId).toBe(id);
    await chat.sendMessage({
      platform: message.platform,
      platformId: message.platformId,
      destination: message.destination,
      message: 'It ships today.',
    });
    const { platform, platformId, destination } = message;
    await chat.sendMessage({ platform, platformId, destination, message: 'Tracking follows.' });
    expect(
      fixture.sandbox
        .messages({ direction: 'outbound' })
        .filter((m) => m.destination === '34600000042')
        .map((m) => [m.platform, m.platformId, m.message]),
    ).toEqual([
      [CHANNELS[0].platform, CHANNELS[0].platformId, 'It ships today.'],
      [CHANNELS[0].platform, CHANNELS[0].platformId, 'Tracking follows.'],
    ]);
    controller.abort();
    expect(await watch.next()).toEqual({ done: true, value: undefined });
  });

  it('costs one getchats per channel plus one getunreadmessages per changed conversation (4 × 250 conversations)', async () => {
    const chat = client();
    for (const [c, channel] of CHANNELS.entries()) {
      for (let i = 0; i < 250; i++)
        inject(channel, `3460${c}${String(i).padStart(4, '0')}`, `hello ${i}`);
    }
    const state: InboundState = createInboundState();
    const save = () => Promise.resolve();

    // The first poll of a fresh state reads every conversation once.
    let from = fixture.sandbox.requests().length;
    const first = await pollInbound(state, chat, { save });
    expect(first.messages).toHaveLength(1_000);
    expect(callsSince(from)).toEqual({ getchatchannels: 1, getchats: 4, getunreadmessages: 1_000 });
    state.pending = [];

    // Idle: no per-conversation call.
    from = fixture.sandbox.requests().length;
    const idle = await pollInbound(state, chat, { save });
    expect(idle.messages).toEqual([]);
    expect(callsSince(from)).toEqual({ getchats: 4 });

    // A handful change, one of them a new customer, one only by our own reply.
    const changed = [
      inject(CHANNELS[0], '346000003', 'again'),
      inject(CHANNELS[1], '346010100', 'again'),
      inject(CHANNELS[3], '346030249', 'again'),
    ];
    changed.push(inject(CHANNELS[3], 'new-customer', 'first time'));
    await chat.sendMessage({
      ...CHANNELS[2],
      destination: '346020007',
      message: 'a reply of ours',
    });
    from = fixture.sandbox.requests().length;
    const busy = await pollInbound(state, chat, { save });
    expect(busy.messages.map((m) => m.messageId).sort()).toEqual(changed.sort());
    const calls = callsSince(from);
    expect(calls).toEqual({ getchats: 4, getunreadmessages: 5 });
    expect((calls.getchats ?? 0) + (calls.getunreadmessages ?? 0)).toBeLessThanOrEqual(
      CHANNELS.length + 5,
    );
  }, 60_000);

  it('does not read again a conversation whose message, written during the poll, the read already took', async () => {
    const chat = client();
    for (const [c, channel] of CHANNELS.entries()) {
      for (let i = 0; i < 50; i++) inject(channel, `3461${c}${String(i).padStart(4, '0')}`, 'hi');
    }
    const state: InboundState = createInboundState();
    const save = () => Promise.resolve();
    await pollInbound(state, chat, { save });
    state.pending = [];

    // Three conversations change; a customer of each writes again while the poll runs, between
    // its getchats and its getunreadmessages.
    const changed = ['346100003', '346110017', '346130049'];
    const channelOf = (destination: string) => CHANNELS[Number(destination[4])] ?? CHANNELS[0];
    const written = changed.map((d) => inject(channelOf(d), d, 'again'));
    const api = {
      getChatChannels: chat.getChatChannels.bind(chat),
      getChats: chat.getChats.bind(chat),
      getMessages: chat.getMessages.bind(chat),
      getUnreadMessages: (ref: Parameters<ChatClient['getUnreadMessages']>[0]) => {
        written.push(inject(channelOf(ref.destination), ref.destination, 'and again'));
        return chat.getUnreadMessages(ref);
      },
    };
    let from = fixture.sandbox.requests().length;
    const busy = await pollInbound(state, api, { save });
    expect(busy.messages.map((m) => m.messageId).sort()).toEqual(written.sort());
    expect(callsSince(from)).toEqual({ getchats: 4, getunreadmessages: 3 });
    state.pending = [];

    // The messages written during that poll were taken by its reads: the next poll reads none
    // of the three (each such read used to answer nothing).
    from = fixture.sandbox.requests().length;
    const next = await pollInbound(state, chat, { save });
    expect(next.messages).toEqual([]);
    expect(callsSince(from)).toEqual({ getchats: 4 });

    // A message written after the reads is read as before.
    const later = inject(CHANNELS[1], '346110017', 'one more');
    from = fixture.sandbox.requests().length;
    expect((await pollInbound(state, chat, { save })).messages.map((m) => m.messageId)).toEqual([
      later,
    ]);
    expect(callsSince(from)).toEqual({ getchats: 4, getunreadmessages: 1 });
  }, 60_000);

  it('an idle watch makes no per-conversation call', async () => {
    const chat = client();
    for (let i = 0; i < 20; i++) inject(CHANNELS[i % 4] ?? CHANNELS[0], `idle-${i}`, 'hi');
    const watch = chat.watchInbound({ intervalMs: 30 });
    for (let i = 0; i < 20; i++) await watch.next();
    const next = watch.next();
    const from = fixture.sandbox.requests().length;
    await waitFor(() => (callsSince(from).getchats ?? 0) >= 4 * 5, 5_000);
    await watch.return();
    await next;
    const calls = callsSince(from);
    expect(Object.keys(calls).filter((m) => m !== 'getchats' && m !== 'getchatchannels')).toEqual(
      [],
    );
  });

  it('acknowledges a message when the loop asks for the next; return() leaves the last one for the next watch', async () => {
    const chat = client();
    const ids = ['one', 'two', 'three'].map((text) => inject(CHANNELS[0], 'ack-test', text));
    const checkpoint = createMemoryCheckpoint();
    const first = chat.watchInbound({ intervalMs: 20, checkpoint });
    const seen: string[] = [];
    for await (const m of first) {
      seen.push(m.messageId);
      if (seen.length === 2) break;
    }
    expect(seen).toEqual(ids.slice(0, 2));
    // Once return() has resolved the checkpoint is free, and the message the loop broke on is yielded again.
    const second = chat.watchInbound({ intervalMs: 20, checkpoint });
    expect((await second.next()).value?.messageId).toBe(ids[1]);
    // A second live watch on the same checkpoint is refused.
    await expect(chat.watchInbound({ checkpoint }).next()).rejects.toMatchObject({
      code: 'INVALID_CONFIG',
    });
    expect((await second.next()).value?.messageId).toBe(ids[2]);
    await second.return();
  });

  it("acknowledges through the file checkpoint's journal, saving the whole state only at the poll's own points", async () => {
    const chat = client();
    const ids = Array.from({ length: 30 }, (_, i) =>
      inject(CHANNELS[i % 4] ?? CHANNELS[0], `journal-${i}`, `hello ${i}`),
    );
    const dir = mkdtempSync(join(tmpdir(), 'afilnet-watch-journal-'));
    try {
      const file = createFileCheckpoint(join(dir, 'inbound.json'));
      const calls = { save: 0, acknowledge: 0 };
      const counted: InboundCheckpoint = {
        open: () => file.open(),
        save: (state) => {
          calls.save += 1;
          return file.save(state);
        },
        acknowledge: (messageIds) => {
          calls.acknowledge += messageIds.length;
          return (file.acknowledge as NonNullable<InboundCheckpoint['acknowledge']>)(messageIds);
        },
        close: () => file.close(),
      };
      const watch = chat.watchInbound({ intervalMs: 20, checkpoint: counted });
      const seen: string[] = [];
      for await (const m of watch) {
        seen.push(m.messageId);
        if (seen.length === ids.length) break;
      }
      expect([...seen].sort()).toEqual([...ids].sort());
      expect(calls.acknowledge).toBe(ids.length - 1);
      // One poll took all 30 in: its few saves, plus the one of return(); none per acknowledgement.
      expect(calls.save).toBeLessThan(10);
      const again = createFileCheckpoint(join(dir, 'inbound.json'));
      expect((await again.open())?.pending.map((m) => m.messageId)).toEqual([seen.at(-1)]);
      await again.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rides out transport errors with growing pauses and ends on an API error', async () => {
    const chat = client();
    fixture.sandbox.chaos([{ method: 'getchats', times: 6, fault: { status: 503 } }]);
    const delays: number[] = [];
    const watch = chat.watchInbound({
      intervalMs: 10,
      channels: [CHANNELS[0]],
      onRetry: (error: AfilnetTransportError, delayMs) => {
        expect(error.code).toBe('HTTP_STATUS');
        delays.push(delayMs);
      },
    });
    const id = inject(CHANNELS[0], 'through-errors', 'still here');
    expect((await watch.next()).value?.messageId).toBe(id);
    expect(delays.length).toBeGreaterThan(0);
    expect(delays).toEqual([...delays].sort((a, b) => a - b));
    await watch.return();

    const wrong = client({ user: DEMO.user, password: 'wrong' }).watchInbound({ intervalMs: 10 });
    await expect(wrong.next()).rejects.toMatchObject({ code: 'INCORRECT_USER_PASSWORD' });
    expect(await wrong.next()).toEqual({ done: true, value: undefined });
    // A channel the watch was given that does not exist ends it too.
    const missing = client().watchInbound({
      intervalMs: 10,
      channels: [{ platform: 'whatsapp', platformId: '999' }],
    });
    await expect(missing.next()).rejects.toMatchObject({ code: 'CHANNEL_NOT_FOUND' });
  });

  it("ends within 100 ms of the client's close(), polling or waiting", async () => {
    const chat = client();
    fixture.sandbox.chaos([{ method: 'getchats', fault: { delayMs: 5_000 } }]);
    const polling = chat.watchInbound({ intervalMs: 10 });
    const waiting = createChatClient({
      transport: 'post',
      baseUrl: fixture.sandbox.url,
      credentials: DEMO,
      allowInsecureHttp: true,
    });
    const pending = polling.next();
    await waitFor(() => fixture.sandbox.requests({ method: 'getchatchannels' }).length >= 1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = performance.now();
    void chat.close();
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(performance.now() - started).toBeLessThan(100);

    fixture.sandbox.chaos([]);
    const idle = waiting.watchInbound({ intervalMs: 60_000 });
    const next = idle.next();
    await waitFor(() => fixture.sandbox.requests({ method: 'getchats' }).length >= 4);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const at = performance.now();
    void waiting.close();
    expect(await next).toEqual({ done: true, value: undefined });
    expect(performance.now() - at).toBeLessThan(100);
  });
});
