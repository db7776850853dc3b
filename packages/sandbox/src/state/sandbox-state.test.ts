import { describe, expect, it } from 'vitest';
import { handleChatCall, type ApiCall } from '../api/chat-api.js';
import { DEMO_ACCOUNT, SandboxState, type StoredMessage } from './sandbox-state.js';

const USER = DEMO_ACCOUNT.user;
const WHATSAPP = { platform: 'whatsapp', platformId: '100' } as const;

const inbound = (
  state: SandboxState,
  destination: string,
  message = 'hi',
  channel: { platform: string; platformId: string } = WHATSAPP,
) => state.append(USER, { ...channel, destination, message, sent: false });

const getChats = (platform: string, platformId: string): ApiCall => ({
  auth: { kind: 'account', user: USER },
  class: 'chat',
  method: 'getchats',
  params: { platform, platformid: platformId },
});

/** The median time of `runs` calls of `fn`, in milliseconds. */
function medianMs(runs: number, fn: () => unknown): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    fn();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(runs / 2)] as number;
}

describe('SandboxState', () => {
  it('lists the latest message of each conversation of a channel, newest first', () => {
    const state = new SandboxState([DEMO_ACCOUNT]);
    inbound(state, 'a', 'a1');
    inbound(state, 'b', 'b1');
    inbound(state, 'a', 'a2');
    inbound(state, 'c', 'on telegram', { platform: 'telegram', platformId: '200' });
    const reply = state.append(USER, {
      ...WHATSAPP,
      destination: 'b',
      message: 'b2 from us',
      sent: true,
    });
    const latest = state.latestPerConversation(USER, 'whatsapp', '100');
    expect(latest.map((m) => [m.destination, m.message])).toEqual([
      ['b', 'b2 from us'],
      ['a', 'a2'],
    ]);
    expect(latest[0]?.messageId).toBe(reply.messageId);
    expect(state.latestPerConversation(USER, 'telegram', '200').map((m) => m.message)).toEqual([
      'on telegram',
    ]);
    expect(state.latestPerConversation(USER, 'webchat', '300')).toEqual([]);
  });

  it('gives unread inbound messages once, oldest first, as they were, then marks them read', () => {
    const changed: StoredMessage[] = [];
    const state = new SandboxState([DEMO_ACCOUNT], {
      messageChanged: (_user, m) => changed.push({ ...m }),
    });
    inbound(state, 'a', 'one');
    state.append(USER, { ...WHATSAPP, destination: 'a', message: 'ours', sent: true });
    inbound(state, 'a', 'two');
    inbound(state, 'b', 'other conversation');
    const taken = state.takeUnread(USER, 'whatsapp', '100', 'a');
    expect(taken.map((m) => [m.message, m.status])).toEqual([
      ['one', 'unread'],
      ['two', 'unread'],
    ]);
    expect(state.conversation(USER, 'whatsapp', '100', 'a')?.map((m) => m.status)).toEqual([
      'read',
      'sent',
      'read',
    ]);
    expect(changed.slice(-2).map((m) => [m.message, m.status])).toEqual([
      ['one', 'read'],
      ['two', 'read'],
    ]);
    expect(state.takeUnread(USER, 'whatsapp', '100', 'a')).toEqual([]);
    expect(state.takeUnread(USER, 'whatsapp', '100', 'nobody')).toEqual([]);
    expect(state.takeUnread(USER, 'whatsapp', '100', 'b').map((m) => m.message)).toEqual([
      'other conversation',
    ]);
  });

  it('numbers messages with ids that keep growing across a clear', () => {
    const state = new SandboxState([DEMO_ACCOUNT]);
    const first = inbound(state, 'a');
    state.clear();
    expect(state.conversation(USER, 'whatsapp', '100', 'a')).toBeUndefined();
    expect(Number(inbound(state, 'a').messageId)).toBeGreaterThan(Number(first.messageId));
    expect(inbound(state, 'a').datetime).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  });

  it('adds channels, several per platform, keeping one it already has, without touching the seed', () => {
    const state = new SandboxState([DEMO_ACCOUNT]);
    expect(
      state.addChannel(USER, { platform: 'whatsapp', platformId: '101', name: 'Second number' }),
    ).toBe(true);
    expect(
      state.addChannel(USER, { platform: 'whatsapp', platformId: '101', name: 'Renamed' }),
    ).toBe(false);
    expect(state.channel(USER, 'whatsapp', '101')?.name).toBe('Second number');
    expect(
      state
        .account(USER)
        ?.channels.filter((c) => c.platform === 'whatsapp')
        .map((c) => c.platformId),
    ).toEqual(['100', '101']);
    expect(DEMO_ACCOUNT.channels).toHaveLength(4);
    inbound(state, 'a', 'on the second number', { platform: 'whatsapp', platformId: '101' });
    expect(state.latestPerConversation(USER, 'whatsapp', '100')).toEqual([]);
    expect(() =>
      state.addChannel('nobody', { platform: 'whatsapp', platformId: '1', name: 'x' }),
    ).toThrow(/no sandbox account/);
    expect(() => inbound(state, 'a', 'x', { platform: 'whatsapp', platformId: '999' })).toThrow(
      /no whatsapp channel 999/,
    );
  });

  it("answers getchats for a small channel without looking at the account's other conversations", () => {
    // Old behaviour to guard against: every getchats walked all of the account's conversations.
    const quiet = new SandboxState([DEMO_ACCOUNT]);
    const busy = new SandboxState([DEMO_ACCOUNT]);
    for (const state of [quiet, busy])
      for (let i = 0; i < 10; i++)
        inbound(state, `small-${i}`, 'hi', { platform: 'telegram', platformId: '200' });
    for (let i = 0; i < 20_000; i++) inbound(busy, `big-${i}`, 'hi');
    const call = getChats('telegram', '200');
    expect(handleChatCall(busy, call)).toEqual(handleChatCall(quiet, call));
    const quietMs = medianMs(301, () => handleChatCall(quiet, call));
    const busyMs = medianMs(301, () => handleChatCall(busy, call));
    // Walking 20,000 conversations costs hundreds of times more than 10; the bound is generous for a loaded machine.
    expect(busyMs).toBeLessThan(Math.max(quietMs * 10, 0.05));
  });
});
