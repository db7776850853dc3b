import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type {
  CallOptions,
  ChannelRef,
  ChatChannel,
  ChatMessage,
  ConversationRef,
  Platform,
} from '../wire/chat-types.js';
import { AfilnetApiError, AfilnetTransportError } from '../errors/errors.js';
import { createInboundState, parseInboundState, type InboundState } from './inbound-state.js';
import { conversationKey } from './conversation-key.js';
import { knownListingChannels, pollInbound, type InboundApi } from './poll-inbound.js';
import { copySavedState } from './state-journal.js';
import { listingFilterOf, readListFiltered } from '../wire/listing-filter.js';
import { decodeCommonList } from '../wire/result-decoders.js';

interface Stored extends ChatMessage {
  status: 'sent' | 'unread' | 'read';
}

/**
 * An account as the Web Chat API behaves: `getchats` the latest message of each conversation,
 * `getmessages` all of them, `getunreadmessages` the unread inbound ones, marking them read.
 * `loseNextUnreadAnswers` makes calls handled by the server whose answer never arrives.
 */
class Account implements InboundApi {
  channels: ChatChannel[] = [
    { platform: 'whatsapp', platformId: '100', name: 'WhatsApp' },
    { platform: 'telegram', platformId: '200', name: 'Telegram' },
  ];
  readonly chats = new Map<string, Stored[]>();
  readonly calls: string[] = [];
  loseNextUnreadAnswers = 0;
  /** When true, `getchats` keeps answering the latest message it gave before (a stale index). */
  staleChats = false;
  /**
   * When true, `getchats` reads its answer as the JSON transports do: written as the wire's JSON,
   * then read with the call's listing filter, which leaves out the chats the poll knows.
   */
  readsBytes = false;
  /** Chats that reads of bytes left out, over the account's life. */
  leftOut = 0;
  readonly #lastChats = new Map<string, ChatMessage[]>();
  #nextId = 1;
  #clock = Date.parse('2024-05-01T10:00:00Z');

  #add(ref: ConversationRef, message: string, sent: boolean): Stored {
    const key = `${ref.platform}|${ref.platformId}|${ref.destination}`;
    this.#clock += 1_000;
    const stored: Stored = {
      ...ref,
      messageId: String(this.#nextId++),
      message,
      sent,
      status: sent ? 'sent' : 'unread',
      datetime: new Date(this.#clock).toISOString().slice(0, 19).replace('T', ' '),
    };
    const list = this.chats.get(key) ?? [];
    list.push(stored);
    this.chats.set(key, list);
    return stored;
  }
  inbound(ref: ConversationRef, message: string): Stored {
    return this.#add(ref, message, false);
  }
  outbound(ref: ConversationRef, message: string): Stored {
    return this.#add(ref, message, true);
  }
  allInbound(): string[] {
    return [...this.chats.values()]
      .flat()
      .filter((m) => !m.sent)
      .map((m) => m.messageId);
  }

  #channel(ref: ChannelRef) {
    if (
      !this.channels.some((c) => c.platform === ref.platform && c.platformId === ref.platformId)
    ) {
      throw new AfilnetApiError('CHANNEL_NOT_FOUND', { httpStatus: 200 });
    }
  }
  #chat(ref: ConversationRef): Stored[] {
    this.#channel(ref);
    const chat = this.chats.get(`${ref.platform}|${ref.platformId}|${ref.destination}`);
    if (chat === undefined) throw new AfilnetApiError('CHAT_NOT_FOUND', { httpStatus: 200 });
    return chat;
  }
  #copy = (m: Stored): ChatMessage => ({ ...m });

  getChatChannels(_options?: CallOptions) {
    this.calls.push('getchatchannels');
    return Promise.resolve(this.channels.map((c) => ({ ...c })));
  }
  getChats(ref: ChannelRef, options?: CallOptions) {
    return this.#getChats(ref).then((list) => this.#asRead(list, options));
  }
  #asRead(list: ChatMessage[], options: CallOptions | undefined): ChatMessage[] {
    const filter = listingFilterOf(options);
    if (!this.readsBytes || filter === undefined) return list;
    const wire = list.map((m) => ({
      platformid: m.platformId,
      platform: m.platform,
      destination: m.destination,
      messageid: m.messageId,
      message: m.message,
      sent: m.sent ? '1' : '0',
      status: m.status,
      datetime: m.datetime,
    }));
    const payload = readListFiltered(
      Buffer.from(JSON.stringify({ status: 'success', result: wire })),
      filter,
    );
    if (payload?.kind !== 'envelope') throw new Error('the answer was not read item by item');
    this.leftOut += filter.skippedCount;
    return decodeCommonList(
      'messages',
      (payload.value as { result: unknown }).result,
    ) as ChatMessage[];
  }
  #getChats(ref: ChannelRef): Promise<ChatMessage[]> {
    this.calls.push(`getchats ${ref.platform}`);
    try {
      this.#channel(ref);
    } catch (error) {
      return Promise.reject(error);
    }
    const key = `${ref.platform}|${ref.platformId}`;
    if (this.staleChats && this.#lastChats.has(key))
      return Promise.resolve(this.#lastChats.get(key) ?? []);
    const latest = [...this.chats.values()]
      .filter((c) => c[0]?.platform === ref.platform && c[0]?.platformId === ref.platformId)
      .map((c) => this.#copy(c[c.length - 1] as Stored));
    this.#lastChats.set(key, latest);
    return Promise.resolve(latest);
  }
  getMessages(ref: ConversationRef, _options?: CallOptions) {
    this.calls.push(`getmessages ${ref.destination}`);
    try {
      return Promise.resolve(this.#chat(ref).map(this.#copy));
    } catch (error) {
      return Promise.reject(error);
    }
  }
  getUnreadMessages(ref: ConversationRef, _options?: CallOptions) {
    this.calls.push(`getunreadmessages ${ref.destination}`);
    let unread: Stored[];
    try {
      unread = this.#chat(ref).filter((m) => !m.sent && m.status === 'unread');
    } catch (error) {
      return Promise.reject(error);
    }
    const answer = unread.map(this.#copy);
    for (const m of unread) m.status = 'read';
    if (this.loseNextUnreadAnswers > 0) {
      this.loseNextUnreadAnswers -= 1;
      return Promise.reject(
        new AfilnetTransportError('NETWORK', 'connection reset after the request was handled', {
          mayHaveBeenSent: true,
        }),
      );
    }
    return Promise.resolve(answer);
  }
}

const wa = (destination: string): ConversationRef => ({
  platform: 'whatsapp' as Platform,
  platformId: '100',
  destination,
});
const tg = (destination: string): ConversationRef => ({
  platform: 'telegram' as Platform,
  platformId: '200',
  destination,
});

/** A store that keeps what was saved as JSON, as a file or Redis would. */
function disk() {
  let saved: string | undefined;
  return {
    save: (state: InboundState) => {
      saved = JSON.stringify(state);
      return Promise.resolve();
    },
    load(): InboundState {
      if (saved === undefined) return createInboundState();
      const parsed = parseInboundState(JSON.parse(saved));
      if (!parsed.ok) throw new Error(parsed.reason);
      return parsed.state;
    },
    get saves() {
      return saved;
    },
  };
}

const ids = (messages: readonly ChatMessage[]) => messages.map((m) => m.messageId);
const drain = (state: InboundState) => ids(state.pending.splice(0));

/** What can happen to an account and to a state between two polls, as property tests draw it. */
const BETWEEN_POLLS = {
  inbound: fc.array(fc.tuple(fc.boolean(), fc.constantFrom('a', 'b', 'c', 'd')), {
    maxLength: 4,
  }),
  lose: fc.nat({ max: 2 }),
  deleteChat: fc.option(fc.constantFrom('a', 'b'), { nil: undefined }),
  telegramGone: fc.boolean(),
  rereadChannels: fc.boolean(),
  sweep: fc.boolean(),
  drain: fc.boolean(),
};
type BetweenPolls = {
  [K in keyof typeof BETWEEN_POLLS]: (typeof BETWEEN_POLLS)[K] extends fc.Arbitrary<infer T>
    ? T
    : never;
};

/** Makes `r` happen to `account` and `state` before a poll (all but the drain, after it). */
function liveThrough(account: Account, state: InboundState, r: BetweenPolls): void {
  for (const [onTelegram, destination] of r.inbound)
    account.inbound(onTelegram ? tg(destination) : wa(destination), 'hello');
  account.loseNextUnreadAnswers = r.lose;
  if (r.deleteChat !== undefined) account.chats.delete(`whatsapp|100|${r.deleteChat}`);
  const whatsapp = account.channels.filter((c) => c.platform === 'whatsapp');
  account.channels = r.telegramGone
    ? whatsapp
    : [...whatsapp, { platform: 'telegram', platformId: '200', name: 'Telegram' }];
  if (r.rereadChannels && state.channels !== undefined)
    state.channels = { ...state.channels, readAt: 0 };
  if (r.sweep) state.sweptAt = 0;
}

describe('pollInbound', () => {
  it('takes every unread inbound message of every channel, a conversation oldest first', async () => {
    const account = new Account();
    const a1 = account.inbound(wa('a'), 'hello');
    account.outbound(wa('a'), 'hi, how can I help?');
    const a2 = account.inbound(wa('a'), 'my order');
    const b1 = account.inbound(tg('b'), 'bonjour');
    const state = createInboundState();
    const result = await pollInbound(state, account, { save: disk().save });
    expect(result.messages.every((m) => !m.sent)).toBe(true);
    const taken = ids(result.messages);
    expect(taken.sort()).toEqual([a1.messageId, a2.messageId, b1.messageId].sort());
    expect(taken.indexOf(a1.messageId)).toBeLessThan(taken.indexOf(a2.messageId));
    expect(ids(state.pending)).toEqual(ids(result.messages));
  });

  it('moves the marker to a message written between getchats and the read, so the next poll does not read it again', async () => {
    const account = new Account();
    account.inbound(wa('a'), 'hello');
    account.inbound(wa('b'), 'hi');
    account.outbound(wa('b'), 'our reply');
    const state = createInboundState();
    const save = disk().save;
    await pollInbound(state, account, { save });
    drain(state);

    // a: the latest message getchats gives is inbound, so in the read's answer; b: it is our
    // reply, which the answer does not hold, so the later date decides.
    const first = account.inbound(wa('a'), 'one');
    account.outbound(wa('b'), 'a second reply of ours');
    const late: string[] = [];
    const api: InboundApi = {
      getChatChannels: (o) => account.getChatChannels(o),
      getChats: (r, o) => account.getChats(r, o),
      getMessages: (r, o) => account.getMessages(r, o),
      getUnreadMessages: (r, o) => {
        late.push(account.inbound(r, 'written while the poll ran').messageId);
        return account.getUnreadMessages(r, o);
      },
    };
    const busy = await pollInbound(state, api, { save });
    expect(ids(busy.messages).sort()).toEqual([first.messageId, ...late].sort());
    expect(busy.calls.getunreadmessages).toBe(2);
    expect(late).toHaveLength(2);
    for (const c of [wa('a'), wa('b')])
      expect(late).toContain(state.conversations[conversationKey(c)]?.marker);
    drain(state);

    // Everything getchats shows was answered: nothing to read.
    account.calls.length = 0;
    expect((await pollInbound(state, account, { save })).calls.getunreadmessages).toBe(0);
    // A message written since is read as before.
    const next = account.inbound(wa('b'), 'one more thing');
    const after = await pollInbound(state, account, { save });
    expect(ids(after.messages)).toEqual([next.messageId]);
    expect(after.calls.getunreadmessages).toBe(1);
  });

  it('costs getchats per channel plus getunreadmessages per changed conversation; nothing more when idle', async () => {
    const account = new Account();
    for (let i = 0; i < 50; i++) account.inbound(i % 2 ? wa(`c${i}`) : tg(`c${i}`), `first ${i}`);
    const state = createInboundState();
    const save = disk().save;
    await pollInbound(state, account, { save });
    drain(state);

    account.calls.length = 0;
    const idle = await pollInbound(state, account, { save });
    expect(account.calls.sort()).toEqual(['getchats telegram', 'getchats whatsapp']);
    expect(idle.calls).toEqual({
      getchatchannels: 0,
      getchats: 2,
      getunreadmessages: 0,
      getmessages: 0,
    });

    const changed = [wa('c1'), tg('c4'), wa('new customer')];
    const expected = changed.map((ref) => account.inbound(ref, 'again').messageId);
    account.outbound(wa('c3'), 'a reply of ours also changes the latest message');
    account.calls.length = 0;
    const busy = await pollInbound(state, account, { save });
    expect(ids(busy.messages).sort()).toEqual(expected.sort());
    expect(account.calls.filter((c) => c.startsWith('getunreadmessages')).sort()).toEqual([
      'getunreadmessages c1',
      'getunreadmessages c3',
      'getunreadmessages c4',
      'getunreadmessages new customer',
    ]);
    expect(account.calls.length).toBe(2 + 4);
  });

  it("leaves out of each channel's getchats the chats it would find unchanged, and reads the others", async () => {
    const account = new Account();
    account.readsBytes = true;
    for (const d of ['a', 'b', 'c']) account.inbound(wa(d), `hello ${d}`);
    account.inbound(tg('d'), 'hello d');
    const state = createInboundState();
    const save = disk().save;
    const kept: number[] = [];
    const api: InboundApi = {
      getChatChannels: (o) => account.getChatChannels(o),
      getChats: async (r, o) => {
        const list = await account.getChats(r, o);
        kept.push(list.length);
        return list;
      },
      getMessages: (r, o) => account.getMessages(r, o),
      getUnreadMessages: (r, o) => account.getUnreadMessages(r, o),
    };
    expect(ids((await pollInbound(state, api, { save })).messages)).toHaveLength(4);
    // The chats read changed (their messages are read now), so they are read once more.
    await pollInbound(state, api, { save });
    kept.length = 0;
    account.leftOut = 0;
    expect((await pollInbound(state, api, { save })).messages).toEqual([]);
    expect(kept).toEqual([0, 0]);
    expect(account.leftOut).toBe(4);

    const news = account.inbound(wa('b'), 'again');
    kept.length = 0;
    const poll = await pollInbound(state, api, { save });
    expect(ids(poll.messages)).toEqual([news.messageId]);
    expect(kept).toEqual([1, 0]);
    expect(poll.calls.getunreadmessages).toBe(1);

    // A new state object knows nothing yet: every chat is read.
    kept.length = 0;
    await pollInbound(createInboundState(), api, { save });
    expect(kept).toEqual([3, 1]);
  });

  it('finds the same changes whether getchats leaves out the chats the poll knows or not', async () => {
    const round = fc.record({
      ...BETWEEN_POLLS,
      outbound: fc.option(fc.constantFrom('a', 'b'), { nil: undefined }),
      stale: fc.boolean(),
    });
    let leftOut = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(round, { minLength: 1, maxLength: 8 }), async (rounds) => {
        // Two accounts living the same life, one read as the JSON transports read it.
        const twins = [new Account(), new Account()] as const;
        twins[1].readsBytes = true;
        const states = [createInboundState(), createInboundState()] as const;
        const save = () => Promise.resolve();
        for (const r of rounds) {
          const outcomes: unknown[] = [];
          for (const [i, account] of twins.entries()) {
            const state = states[i] as InboundState;
            liveThrough(account, state, r);
            if (r.outbound !== undefined) account.outbound(wa(r.outbound), 'reply');
            account.staleChats = r.stale;
            const outcome = await pollInbound(state, account, { save, concurrency: 1 }).then(
              (poll) => ({ messages: ids(poll.messages), calls: poll.calls }),
              (error: unknown) => ({ error: String(error) }),
            );
            // Times read from the clock differ between the twins; everything else must not.
            const timeless = {
              ...state,
              sweptAt: 0,
              channels: state.channels && { ...state.channels, readAt: 0 },
            };
            outcomes.push({ outcome, state: JSON.stringify(timeless) });
            if (r.drain) drain(state);
          }
          expect(outcomes[1]).toEqual(outcomes[0]);
        }
        leftOut += twins[1].leftOut;
      }),
      { numRuns: 200 },
    );
    // Chats were left out: the twins did not only read whole answers.
    expect(leftOut).toBeGreaterThan(200);
  });

  it('rewrites the checkpoint only when the poll changed the state', async () => {
    const account = new Account();
    account.inbound(wa('a'), 'hello');
    const state = createInboundState();
    let saves = 0;
    const save = () => {
      saves += 1;
      return Promise.resolve();
    };
    const channels: ChannelRef[] = [
      { platform: 'whatsapp', platformId: '100' },
      { platform: 'telegram', platformId: '200' },
    ];
    await pollInbound(state, account, { save, channels });
    drain(state);
    saves = 0;
    await pollInbound(state, account, { save, channels });
    await pollInbound(state, account, { save, channels });
    expect(saves).toBe(0);
    account.inbound(wa('a'), 'again');
    const busy = await pollInbound(state, account, { save, channels });
    expect(busy.messages).toHaveLength(1);
    expect(saves).toBe(2); // the intent, then the answer
  });

  it('saves a read phase at least once a second and whole before it resolves', async () => {
    const account = new Account();
    for (let i = 0; i < 200; i++) account.inbound(wa(`c${i}`), `first ${i}`);
    const state = createInboundState();
    const store = disk();
    let saves = 0;
    let delayed = 0;
    const slow: InboundApi = {
      getChatChannels: (o) => account.getChatChannels(o),
      getChats: (r, o) => account.getChats(r, o),
      getMessages: (r, o) => account.getMessages(r, o),
      // 12 ms per read, 4 at once: a read phase of about 600 ms.
      getUnreadMessages: async (r, o) => {
        delayed += 1;
        await new Promise((resolve) => setTimeout(resolve, 12));
        return account.getUnreadMessages(r, o);
      },
    };
    const result = await pollInbound(state, slow, {
      save: (s) => {
        saves += 1;
        return store.save(s);
      },
    });
    expect(delayed).toBe(200);
    expect(result.messages).toHaveLength(200);
    // The intent, the end of the reads, and at most a few in between, never one per answer.
    expect(saves).toBeGreaterThanOrEqual(2);
    expect(saves).toBeLessThanOrEqual(5);
    const saved = store.load();
    expect(Object.keys(saved.fetching)).toEqual([]);
    expect(ids(saved.pending).sort()).toEqual(ids(result.messages).sort());
  });

  it('names conversations by conversationKey across polls and across a reloaded state', async () => {
    // Names that percent-encoding changes, and two that only differ where a separator could be.
    const names = ['a/b', 'a%2Fb', '+34 600 000', 'ü:ñ', 'x', 'x?y=z&w', ''];
    const account = new Account();
    for (const name of names) account.inbound(wa(name), `first ${name}`);
    account.inbound(tg('a/b'), 'other channel, same name');
    const state = createInboundState();
    const { save, load } = disk();
    const first = await pollInbound(state, account, { save });
    expect(first.messages).toHaveLength(names.length + 1);
    expect(Object.keys(state.conversations).sort()).toEqual(
      [...names.map((n) => conversationKey(wa(n))), conversationKey(tg('a/b'))].sort(),
    );
    drain(state);
    const idle = await pollInbound(state, account, { save });
    expect(idle.calls.getunreadmessages).toBe(0);
    account.inbound(wa('a%2Fb'), 'second');
    const reloaded = load();
    reloaded.pending = [];
    const next = await pollInbound(reloaded, account, { save });
    expect(next.messages.map((m) => m.destination)).toEqual(['a%2Fb']);
    expect(next.calls.getunreadmessages).toBe(1);
  });

  it('re-reads the channel list at most once a minute and picks up a new channel', async () => {
    const account = new Account();
    const state = createInboundState();
    const save = disk().save;
    await pollInbound(state, account, { save });
    expect(account.calls.filter((c) => c === 'getchatchannels')).toHaveLength(1);
    account.channels.push({ platform: 'webchat', platformId: '300', name: 'Web' });
    const web = { platform: 'webchat' as Platform, platformId: '300', destination: 'visitor' };
    const m = account.inbound(web, 'hello from the site');
    await pollInbound(state, account, { save });
    expect(account.calls.filter((c) => c === 'getchatchannels')).toHaveLength(1);
    expect(state.pending).toEqual([]);
    // A minute later (the list's age is what is saved), the new channel is read.
    state.channels = { list: state.channels?.list ?? [], readAt: Date.now() - 61_000 };
    const later = await pollInbound(state, account, { save });
    expect(ids(later.messages)).toEqual([m.messageId]);
  });

  it('keeps no listing of a channel it no longer watches', async () => {
    const account = new Account();
    const state = createInboundState();
    const save = disk().save;
    await pollInbound(state, account, { save });
    expect(knownListingChannels(state).sort()).toEqual(['telegram 200', 'whatsapp 100']);
    // Gone from the account's list, read again a minute later: no CHANNEL_NOT_FOUND on the way.
    account.channels = account.channels.filter((c) => c.platform !== 'telegram');
    state.channels = { list: state.channels?.list ?? [], readAt: Date.now() - 61_000 };
    await pollInbound(state, account, { save });
    expect(knownListingChannels(state)).toEqual(['whatsapp 100']);
    // Left out of the channels a caller gives.
    await pollInbound(state, account, {
      save,
      channels: [{ platform: 'whatsapp', platformId: '100' }],
    });
    expect(knownListingChannels(state)).toEqual(['whatsapp 100']);
    account.channels.push({ platform: 'webchat', platformId: '300', name: 'Web' });
    await pollInbound(state, account, {
      save,
      channels: [{ platform: 'webchat', platformId: '300' }],
    });
    expect(knownListingChannels(state)).toEqual(['webchat 300']);
  });

  it('drops a channel it found itself when it is gone, and throws for one it was given', async () => {
    const account = new Account();
    account.inbound(tg('b'), 'one');
    const state = createInboundState();
    await pollInbound(state, account, { save: disk().save });
    account.channels = account.channels.filter((c) => c.platform !== 'telegram');
    // The saved list still names telegram: its getchats answers CHANNEL_NOT_FOUND.
    await pollInbound(state, account, { save: disk().save });
    expect(state.channels?.list.map((c) => c.platform)).toEqual(['whatsapp']);
    expect(Object.values(state.conversations).some((c) => c.platform === 'telegram')).toBe(false);

    const given = pollInbound(createInboundState(), account, {
      save: disk().save,
      channels: [{ platform: 'telegram', platformId: '200' }],
    });
    await expect(given).rejects.toMatchObject({ code: 'CHANNEL_NOT_FOUND' });
  });

  it('recovers with getmessages what a lost getunreadmessages answer consumed, once', async () => {
    const account = new Account();
    const first = account.inbound(wa('a'), 'before');
    const state = createInboundState();
    const save = disk().save;
    await pollInbound(state, account, { save });
    expect(drain(state)).toEqual([first.messageId]);

    const lost = [account.inbound(wa('a'), 'lost 1'), account.inbound(wa('a'), 'lost 2')].map(
      (m) => m.messageId,
    );
    account.loseNextUnreadAnswers = 1;
    await expect(pollInbound(state, account, { save })).rejects.toMatchObject({ code: 'NETWORK' });
    expect(Object.keys(state.fetching)).toHaveLength(1);
    expect(state.pending).toEqual([]);

    const later = account.inbound(wa('a'), 'after').messageId;
    account.calls.length = 0;
    const recovery = await pollInbound(state, account, { save });
    expect(account.calls.filter((c) => c.startsWith('getmessages'))).toEqual(['getmessages a']);
    // The recovery takes what was lost and what came since; the fetch that follows skips the latter.
    expect(drain(state)).toEqual([...lost, later]);
    expect(ids(recovery.messages)).toEqual([...lost, later]);
    await pollInbound(state, account, { save });
    await pollInbound(state, account, { save });
    expect(state.pending).toEqual([]);
    expect(state.fetching).toEqual({});
  });

  it('loses nothing and takes nothing twice when the process dies after any save or call', async () => {
    // A run of polls in which the process dies right after event number `crashAt` (a save, or a
    // call the server has handled); the next process continues from what was saved. Every
    // inbound message must come out exactly once.
    for (let crashAt = 1; crashAt <= 60; crashAt++) {
      const account = new Account();
      const store = disk();
      const delivered: string[] = [];
      let events = 0;
      let dead = false;
      const event = () => {
        events += 1;
        if (events === crashAt) dead = true;
      };
      const dying = (state: InboundState) => {
        if (dead) return Promise.reject(new Error('killed'));
        void store.save(state);
        event();
        return dead ? Promise.reject(new Error('killed')) : Promise.resolve();
      };
      /** The server handles the call; a process that died on it, or before, never sees the answer. */
      const through =
        <T>(call: () => Promise<T>) =>
        async () => {
          if (dead) throw new Error('killed');
          const answer = call();
          event();
          if (dead) {
            await answer.catch(() => undefined);
            throw new Error('killed');
          }
          return answer;
        };
      const api: InboundApi = {
        getChatChannels: (o) => through(() => account.getChatChannels(o))(),
        getChats: (r, o) => through(() => account.getChats(r, o))(),
        getMessages: (r, o) => through(() => account.getMessages(r, o))(),
        getUnreadMessages: (r, o) => through(() => account.getUnreadMessages(r, o))(),
      };
      let state = store.load();
      let crashes = 0;
      for (let round = 0; round < 6; round++) {
        for (let i = 0; i < 3; i++)
          account.inbound(
            i === 0 ? wa(`n${round}`) : i === 1 ? wa('steady') : tg(`t${i}`),
            `r${round} m${i}`,
          );
        if (round === 2) account.loseNextUnreadAnswers = 1;
        try {
          await pollInbound(state, api, { save: dying, concurrency: 2 });
        } catch (error) {
          if (!dead && !(error instanceof AfilnetTransportError)) throw error;
        }
        if (dead) {
          // The next process starts from what was saved; nothing after the save counts.
          state = store.load();
          dead = false;
          events = Number.NEGATIVE_INFINITY;
          crashes += 1;
        }
        // What is saved as pending is handled, then acknowledged and saved.
        delivered.push(...drain(state));
        await store.save(state);
      }
      for (let i = 0; i < 3; i++) await pollInbound(state, account, { save: store.save });
      delivered.push(...drain(state));
      expect(delivered.sort(), `crash after event ${crashAt} (${crashes} crash)`).toEqual(
        account.allInbound().sort(),
      );
    }
  });

  it('finds with the safety sweep a message getchats did not announce', async () => {
    const account = new Account();
    account.inbound(wa('a'), 'one');
    const state = createInboundState();
    const save = disk().save;
    await pollInbound(state, account, { save, sweepIntervalMs: 60_000 });
    drain(state);
    account.staleChats = true;
    const hidden = account.inbound(wa('a'), 'unannounced');
    const plain = await pollInbound(state, account, { save, sweepIntervalMs: 60_000 });
    expect(plain.messages).toEqual([]);
    expect(plain.swept).toBe(false);
    state.sweptAt = Date.now() - 61_000;
    const sweep = await pollInbound(state, account, { save, sweepIntervalMs: 60_000 });
    expect(sweep.swept).toBe(true);
    expect(ids(sweep.messages)).toEqual([hidden.messageId]);
    state.sweptAt = 0;
    const off = await pollInbound(state, account, { save, sweepIntervalMs: 0 });
    expect(off.swept).toBe(false);
  });

  describe('the safety sweep, spread over its interval', () => {
    afterEach(() => {
      vi.useRealTimers();
    });
    const INTERVAL = 60_000;
    // Given, so that no re-read of the account's channel list (once a minute) writes the state.
    const WATCHED = [{ platform: 'whatsapp' as Platform, platformId: '100' }];
    const reads = (account: Account) =>
      account.calls
        .filter((c) => c.startsWith('getunreadmessages '))
        .map((c) => c.slice('getunreadmessages '.length));

    /** 40 known conversations, each with one message `getchats` will not announce. */
    async function fortyHidden(start: number) {
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(start);
      const account = new Account();
      const names = Array.from({ length: 40 }, (_, i) => `c${i}`);
      for (const name of names) account.inbound(wa(name), 'seen');
      const state = createInboundState();
      const save = disk().save;
      await pollInbound(state, account, { save, sweepIntervalMs: INTERVAL, channels: WATCHED });
      drain(state);
      account.staleChats = true;
      const hidden = names.map((name) => account.inbound(wa(name), 'unannounced').messageId);
      account.calls.length = 0;
      return { account, state, save, names, hidden };
    }

    it('reads each known conversation once per interval, a slice at a time', async () => {
      // Slices of 3 s from the first poll: polls 1 s apart cross a slice's end every third one.
      const { account, state, save, names, hidden } = await fortyHidden(1_700_000_001_500);
      const found: string[] = [];
      const perPoll: number[] = [];
      let saves = 0;
      const counted = (live: InboundState) => {
        saves += 1;
        return save(live);
      };
      for (let second = 1; second <= 60; second++) {
        vi.setSystemTime(1_700_000_001_500 + second * 1_000);
        const before = reads(account).length;
        saves = 0;
        const poll = await pollInbound(state, account, {
          save: counted,
          sweepIntervalMs: INTERVAL,
          channels: WATCHED,
        });
        const read = reads(account).length - before;
        perPoll.push(read);
        expect(poll.swept).toBe(read > 0);
        // Saved only with reads: a slice that held no turn wrote nothing.
        expect(saves > 0).toBe(read > 0);
        found.push(...ids(poll.messages));
      }
      // Every conversation read exactly once, and so every hidden message found once.
      expect(reads(account).sort()).toEqual([...names].sort());
      expect(found.sort()).toEqual([...hidden].sort());
      // Never all at once: reads only on the polls that crossed a slice's end (3 s apart).
      expect(Math.max(...perPoll)).toBeLessThan(names.length / 2);
      expect(perPoll.filter((n, i) => n > 0 && (i + 1) % 3 !== 0)).toEqual([]);
    });

    it('counts its slices from where the sweep began, not from the clock', async () => {
      // 100 ms past a 3 s boundary of the clock: the first slice ends 3 s later, not 2.9.
      const { account, state, save } = await fortyHidden(1_700_000_001_100);
      const options = { save, sweepIntervalMs: INTERVAL, channels: WATCHED };
      vi.setSystemTime(1_700_000_001_100 + 2_999);
      expect((await pollInbound(state, account, options)).calls.getunreadmessages).toBe(0);
      vi.setSystemTime(1_700_000_001_100 + 3_000);
      expect((await pollInbound(state, account, options)).swept).toBe(true);
    });

    it("cuts a large account's sweep into more slices, about 500 reads each", async () => {
      vi.useFakeTimers({ toFake: ['Date'] });
      const start = 1_700_000_000_000;
      vi.setSystemTime(start);
      const account = new Account();
      // 20,000 conversations: 40 slices of 1.5 s in a minute, where twenty would hold 1,000 each.
      for (let i = 0; i < 20_000; i++) account.inbound(wa(`c${i}`), 'seen');
      const state = createInboundState();
      const options = { save: disk().save, sweepIntervalMs: INTERVAL, channels: WATCHED };
      await pollInbound(state, account, options);
      drain(state);
      account.staleChats = true;
      const perPoll: number[] = [];
      for (let second = 1; second <= 9; second++) {
        vi.setSystemTime(start + second * 1_000);
        perPoll.push((await pollInbound(state, account, options)).calls.getunreadmessages);
      }
      expect(perPoll.filter((n) => n > 0).length).toBeGreaterThanOrEqual(5);
      expect(Math.max(...perPoll)).toBeLessThan(700);
    });

    it('reads every known conversation after a pause of a whole interval, and saves that', async () => {
      const { account, state, names } = await fortyHidden(1_700_000_000_000);
      vi.setSystemTime(1_700_000_000_000 + INTERVAL);
      let saved: number | undefined;
      const save = (live: InboundState) => {
        saved = live.sweptAt;
        return Promise.resolve();
      };
      const poll = await pollInbound(state, account, {
        save,
        sweepIntervalMs: INTERVAL,
        channels: WATCHED,
      });
      expect(poll.swept).toBe(true);
      expect(reads(account).sort()).toEqual([...names].sort());
      expect(saved).toBe(1_700_000_000_000 + INTERVAL);
    });

    it('starts again from now when the clock was set back', async () => {
      const { account, state, save, names } = await fortyHidden(1_700_000_000_000);
      state.sweptAt = 1_800_000_000_000;
      vi.setSystemTime(1_700_000_010_000);
      const poll = await pollInbound(state, account, {
        save,
        sweepIntervalMs: INTERVAL,
        channels: WATCHED,
      });
      expect(poll.swept).toBe(false);
      expect(state.sweptAt).toBe(1_700_000_010_000);
      for (let second = 1; second <= 60; second++) {
        vi.setSystemTime(1_700_000_010_000 + second * 1_000);
        await pollInbound(state, account, { save, sweepIntervalMs: INTERVAL, channels: WATCHED });
      }
      expect(reads(account).sort()).toEqual([...names].sort());
    });
  });

  it('drops a conversation the server no longer has', async () => {
    const account = new Account();
    account.inbound(wa('gone'), 'one');
    const state = createInboundState();
    await pollInbound(state, account, { save: disk().save });
    drain(state);
    account.inbound(wa('gone'), 'two');
    const chats = account.getChats.bind(account);
    // getchats still lists it, but the conversation was deleted in between.
    account.getChats = async (ref, options) => {
      const latest = await chats(ref, options);
      account.chats.clear();
      return latest;
    };
    await pollInbound(state, account, { save: disk().save });
    expect(state.conversations).toEqual({});
    expect(state.fetching).toEqual({});
  });
  it('saves what a failed poll changed and did not save, though nothing changed since', async () => {
    const account = new Account();
    account.inbound(tg('a'), 'one');
    const store = disk();
    const state = createInboundState();
    await pollInbound(state, account, { save: store.save });
    drain(state);
    await store.save(state);
    // Telegram is gone, so its conversation is dropped; then the WhatsApp listing fails.
    account.channels = account.channels.filter((c) => c.platform !== 'telegram');
    const failing: InboundApi = {
      getChatChannels: (o) => account.getChatChannels(o),
      getChats: (r, o) =>
        r.platform === 'whatsapp'
          ? Promise.reject(new AfilnetTransportError('TIMEOUT', 'no answer'))
          : account.getChats(r, o),
      getMessages: (r, o) => account.getMessages(r, o),
      getUnreadMessages: (r, o) => account.getUnreadMessages(r, o),
    };
    await expect(pollInbound(state, failing, { save: store.save })).rejects.toThrow('no answer');
    expect(state.conversations).toEqual({});
    expect(Object.keys(store.load().conversations)).toEqual(['telegram/200/a']);
    await pollInbound(state, account, { save: store.save });
    expect(store.load().conversations).toEqual({});
  });

  it('tells each save every conversation it changed since the previous one, across failed polls', async () => {
    // One round of what can happen between and during polls.
    const round = fc.record({ ...BETWEEN_POLLS, failGetchats: fc.boolean() });
    await fc.assert(
      fc.asyncProperty(fc.array(round, { minLength: 1, maxLength: 8 }), async (rounds) => {
        const account = new Account();
        const state = createInboundState();
        // Two copies of what a store holds: one compared whole, one told what changed.
        const whole = copySavedState(state);
        const told = copySavedState(state);
        let saves = 0;
        const save = (live: InboundState, changes: { conversations: ReadonlySet<string> }) => {
          saves += 1;
          expect(told.record(live, changes.conversations)).toEqual(whole.record(live));
          return Promise.resolve();
        };
        let failNextGetchats = false;
        const api: InboundApi = {
          getChatChannels: (o) => account.getChatChannels(o),
          getChats: (r, o) => {
            if (failNextGetchats && r.platform === 'whatsapp') {
              failNextGetchats = false;
              return Promise.reject(new AfilnetTransportError('TIMEOUT', 'no answer'));
            }
            return account.getChats(r, o);
          },
          getMessages: (r, o) => account.getMessages(r, o),
          getUnreadMessages: (r, o) => account.getUnreadMessages(r, o),
        };
        for (const r of rounds) {
          liveThrough(account, state, r);
          failNextGetchats = r.failGetchats;
          await pollInbound(state, api, { save, concurrency: 2 }).catch((error: unknown) => {
            if (!(error instanceof AfilnetTransportError)) throw error;
          });
          if (r.drain) drain(state);
        }
        account.loseNextUnreadAnswers = 0;
        await pollInbound(state, account, { save });
        // Whatever the polls did, the last one saved what they changed, and the copy told of the
        // changes holds every conversation as it is.
        expect(told.record(state)?.conversations).toBeUndefined();
        expect(saves).toBeGreaterThan(0);
      }),
      { numRuns: 200 },
    );
  });
});
