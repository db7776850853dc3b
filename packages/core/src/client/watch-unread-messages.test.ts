import { describe, expect, it } from 'vitest';
import type { CallOptions, ChatMessage, ConversationRef } from '../wire/chat-types.js';
import { AfilnetApiError, AfilnetTransportError } from '../errors/errors.js';
import { watchUnreadMessages } from './watch-unread-messages.js';

const CONVERSATION: ConversationRef = {
  platform: 'whatsapp',
  platformId: '100',
  destination: '34600000000',
};

const message = (id: string): ChatMessage => ({
  platformId: '100',
  platform: 'whatsapp',
  destination: '34600000000',
  messageId: id,
  message: `message ${id}`,
  sent: false,
  status: 'unread',
  datetime: '2024-05-01 10:00:00',
});

type Answer = ChatMessage[] | Error | 'hang';

/** A scripted `getunreadmessages`: one answer per poll, then empty lists; records every call. */
function scripted(answers: Answer[]) {
  const calls: Array<{ input: ConversationRef; options: CallOptions; at: number }> = [];
  const fetchUnread = (input: ConversationRef, options: CallOptions): Promise<ChatMessage[]> => {
    calls.push({ input, options, at: performance.now() });
    const answer = answers.shift() ?? [];
    if (answer === 'hang') {
      return new Promise((_resolve, reject) => {
        options.signal?.addEventListener(
          'abort',
          () => reject(new AfilnetTransportError('ABORTED', 'aborted')),
          { once: true },
        );
      });
    }
    return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
  };
  return { fetchUnread, calls };
}

async function take(iterator: AsyncIterator<ChatMessage>, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const next = await iterator.next();
    if (next.done) break;
    ids.push(next.value.messageId);
  }
  return ids;
}

describe('watchUnreadMessages', () => {
  it('yields every message of every poll once, in order, and passes the conversation only', async () => {
    const { fetchUnread, calls } = scripted([
      [message('1'), message('2')],
      [],
      [message('2'), message('3')],
    ]);
    const watch = watchUnreadMessages(fetchUnread, { ...CONVERSATION, intervalMs: 5 });
    expect(await take(watch, 3)).toEqual(['1', '2', '3']);
    await watch.return?.();
    expect(calls).toHaveLength(3);
    expect(calls[0]?.input).toEqual(CONVERSATION);
  });

  it('never polls ahead of the consumer, so a slow consumer loses nothing', async () => {
    const { fetchUnread, calls } = scripted([
      [message('1'), message('2'), message('3')],
      [message('4')],
    ]);
    const watch = watchUnreadMessages(fetchUnread, { ...CONVERSATION, intervalMs: 5 });
    expect(await take(watch, 1)).toEqual(['1']);
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(calls).toHaveLength(1);
    expect(await take(watch, 3)).toEqual(['2', '3', '4']);
    await watch.return?.();
  });

  it('keeps the rest of a batch after a break, for takeUndelivered()', async () => {
    const { fetchUnread, calls } = scripted([[message('1'), message('2'), message('3')]]);
    const watch = watchUnreadMessages(fetchUnread, { ...CONVERSATION, intervalMs: 5 });
    for await (const m of watch) {
      expect(m.messageId).toBe('1');
      break;
    }
    expect((await watch.next()).done).toBe(true);
    expect(watch.takeUndelivered().map((m) => m.messageId)).toEqual(['2', '3']);
    expect(watch.takeUndelivered()).toEqual([]);
    expect(calls).toHaveLength(1);
  });

  it('ends, without a rejection, when aborted in the middle of a poll', async () => {
    const { fetchUnread, calls } = scripted(['hang']);
    const controller = new AbortController();
    const watch = watchUnreadMessages(fetchUnread, {
      ...CONVERSATION,
      intervalMs: 5,
      signal: controller.signal,
    });
    const pending = watch.next();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(calls).toHaveLength(1);
    controller.abort();
    await expect(pending).resolves.toEqual({ done: true, value: undefined });
    expect(calls[0]?.options.signal?.aborted).toBe(true);
    expect(await watch.next()).toEqual({ done: true, value: undefined });
  });

  it('ends when return() is called while a poll is in flight', async () => {
    const { fetchUnread, calls } = scripted(['hang']);
    const watch = watchUnreadMessages(fetchUnread, { ...CONVERSATION, intervalMs: 5 });
    const pending = watch.next();
    await new Promise((resolve) => setTimeout(resolve, 10));
    await watch.return?.();
    await expect(pending).resolves.toEqual({ done: true, value: undefined });
    expect(calls[0]?.options.signal?.aborted).toBe(true);
  });

  it('still yields what it fetched before an abort, then ends', async () => {
    const { fetchUnread } = scripted([[message('1'), message('2')]]);
    const controller = new AbortController();
    const watch = watchUnreadMessages(fetchUnread, {
      ...CONVERSATION,
      intervalMs: 5,
      signal: controller.signal,
    });
    expect(await take(watch, 1)).toEqual(['1']);
    controller.abort();
    expect(await take(watch, 5)).toEqual(['2']);
  });

  it('ends at once for a signal already aborted, without polling', async () => {
    const { fetchUnread, calls } = scripted([[message('1')]]);
    const watch = watchUnreadMessages(fetchUnread, {
      ...CONVERSATION,
      signal: AbortSignal.abort(),
    });
    expect(await watch.next()).toEqual({ done: true, value: undefined });
    expect(calls).toHaveLength(0);
  });

  it('backs off exponentially on transport errors, capped, and resets after a success', async () => {
    const failure = () => new AfilnetTransportError('HTTP_STATUS', 'HTTP 503', { httpStatus: 503 });
    const { fetchUnread, calls } = scripted([
      failure(),
      failure(),
      failure(),
      failure(),
      [message('1')],
      failure(),
      [message('2')],
    ]);
    const delays: number[] = [];
    const watch = watchUnreadMessages(fetchUnread, {
      ...CONVERSATION,
      intervalMs: 10,
      maxBackoffMs: 50,
      onRetry: (error, delayMs) => {
        expect(error.code).toBe('HTTP_STATUS');
        delays.push(delayMs);
      },
    });
    expect(await take(watch, 2)).toEqual(['1', '2']);
    await watch.return?.();
    expect(delays).toEqual([10, 20, 40, 50, 10]);
    const gaps = calls.slice(1).map((c, i) => c.at - (calls[i]?.at ?? 0));
    expect(gaps[2]).toBeGreaterThanOrEqual(38);
    expect(gaps[3]).toBeGreaterThanOrEqual(48);
  });

  it('rejects with an API error and then ends', async () => {
    const { fetchUnread } = scripted([new AfilnetApiError('CHAT_NOT_FOUND', { httpStatus: 200 })]);
    const watch = watchUnreadMessages(fetchUnread, { ...CONVERSATION, intervalMs: 5 });
    await expect(watch.next()).rejects.toMatchObject({ code: 'CHAT_NOT_FOUND' });
    expect(await watch.next()).toEqual({ done: true, value: undefined });
  });

  it('serves concurrent next() calls one poll at a time', async () => {
    const { fetchUnread, calls } = scripted([[message('1')], [message('2')]]);
    const watch = watchUnreadMessages(fetchUnread, { ...CONVERSATION, intervalMs: 5 });
    const [a, b] = await Promise.all([watch.next(), watch.next()]);
    expect([a.value?.messageId, b.value?.messageId]).toEqual(['1', '2']);
    expect(calls).toHaveLength(2);
    await watch.return?.();
  });

  it('refuses an interval that is not a positive number', () => {
    const { fetchUnread } = scripted([]);
    expect(() => watchUnreadMessages(fetchUnread, { ...CONVERSATION, intervalMs: 0 })).toThrow(
      RangeError,
    );
    expect(() =>
      watchUnreadMessages(fetchUnread, { ...CONVERSATION, maxBackoffMs: Number.NaN }),
    ).toThrow(RangeError);
  });
});
