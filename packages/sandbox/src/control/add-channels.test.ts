import { describe, expect, it } from 'vitest';
import { DEMO_ACCOUNT, SandboxState } from '../state/sandbox-state.js';
import { addChannels, MAX_CHANNELS_PER_ACCOUNT, parseChannelList } from './add-channels.js';

const USER = DEMO_ACCOUNT.user;

const refusal = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(TypeError);
    return (error as TypeError).message;
  }
  throw new Error('accepted');
};

describe('addChannels', () => {
  it('adds several channels per platform, names them by default, and keeps those already there', () => {
    const state = new SandboxState([DEMO_ACCOUNT]);
    const result = addChannels(state, {
      channels: [
        { platform: 'whatsapp', platformId: '101' },
        { platform: 'whatsapp', platformId: '102', name: 'Sales' },
        { platform: 'whatsapp', platformId: '100', name: 'Not renamed' },
      ],
    });
    expect(result.added).toBe(2);
    expect(result.channels.filter((c) => c.platform === 'whatsapp')).toEqual([
      { platform: 'whatsapp', platformId: '100', name: 'Demo WhatsApp' },
      { platform: 'whatsapp', platformId: '101', name: 'whatsapp 101' },
      { platform: 'whatsapp', platformId: '102', name: 'Sales' },
    ]);
    expect(
      addChannels(state, { user: USER, channels: [{ platform: 'whatsapp', platformId: '101' }] })
        .added,
    ).toBe(0);
    expect(state.channel(USER, 'whatsapp', '102')?.name).toBe('Sales');
  });

  it('refuses a bad request naming the field, and adds nothing', () => {
    const state = new SandboxState([DEMO_ACCOUNT]);
    expect(refusal(() => addChannels(state, { channels: [] }))).toMatch(
      /^invalid channels request: channels: /,
    );
    const message = refusal(() =>
      addChannels(state, {
        channels: [
          { platform: 'whatsapp', platformId: '5' },
          { platform: 'signal', platformId: '' },
        ],
      }),
    );
    expect(message).toMatch(/channels\[1\]\.platform: /);
    expect(message).toMatch(/channels\[1\]\.platformId: must be a non-empty string/);
    expect(
      refusal(() =>
        addChannels(state, {
          user: 'nobody',
          channels: [{ platform: 'whatsapp', platformId: '5' }],
        }),
      ),
    ).toMatch(/user: no sandbox account "nobody"/);
    expect(state.channel(USER, 'whatsapp', '5')).toBeUndefined();
  });

  it(`keeps an account to ${MAX_CHANNELS_PER_ACCOUNT} channels`, () => {
    const state = new SandboxState([DEMO_ACCOUNT]);
    const channels = (from: number, count: number) =>
      Array.from({ length: count }, (_, i) => ({
        platform: 'webchat' as const,
        platformId: `w${from + i}`,
      }));
    addChannels(state, { channels: channels(0, MAX_CHANNELS_PER_ACCOUNT - 4) });
    expect(refusal(() => addChannels(state, { channels: channels(10_000, 1) }))).toMatch(
      /at most 1000 channels/,
    );
    expect(state.account(USER)?.channels).toHaveLength(MAX_CHANNELS_PER_ACCOUNT);
  });
});

describe('parseChannelList', () => {
  it('checks the channels option of startSandbox', () => {
    expect(parseChannelList([{ platform: 'telegram', platformId: '201' }])).toEqual([
      { platform: 'telegram', platformId: '201', name: 'telegram 201' },
    ]);
    expect(refusal(() => parseChannelList([{ platform: 'telegram' }]))).toMatch(
      /^invalid channels: \[0\]\.platformId: /,
    );
    expect(refusal(() => parseChannelList('whatsapp'))).toMatch(
      /^invalid channels: the channel list: /,
    );
  });
});
