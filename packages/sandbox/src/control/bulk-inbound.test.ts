import { describe, expect, it } from 'vitest';
import { DEMO_ACCOUNT, SandboxState, type StoredMessage } from '../state/sandbox-state.js';
import { injectInboundBulk, MAX_BULK_MESSAGES } from './bulk-inbound.js';

const USER = DEMO_ACCOUNT.user;
const OTHER = {
  user: 'b@example.com',
  password: 'b-pw',
  channels: [{ platform: 'whatsapp', platformId: '900', name: 'B' }],
};

function recordingState(): { state: SandboxState; stored: StoredMessage[] } {
  const stored: StoredMessage[] = [];
  const state = new SandboxState([DEMO_ACCOUNT, OTHER], {
    messageChanged: (_user, m) => stored.push(m),
  });
  return { state, stored };
}

const refusal = (state: SandboxState, input: unknown): string => {
  try {
    injectInboundBulk(state, input);
  } catch (error) {
    expect(error).toBeInstanceOf(TypeError);
    return (error as TypeError).message;
  }
  throw new Error('the bulk injection was accepted');
};

describe('injectInboundBulk', () => {
  it('stores a list of messages in order, unread, with consecutive ids, on the demo account by default', () => {
    const { state, stored } = recordingState();
    const result = injectInboundBulk(state, {
      messages: [
        { platform: 'whatsapp', platformId: '100', destination: 'a', message: 'one' },
        { platform: 'telegram', platformId: '200', destination: 'b', message: 'two' },
        { platform: 'whatsapp', platformId: '100', destination: 'a', message: 'three' },
      ],
    });
    expect(result).toEqual({
      count: 3,
      firstMessageId: stored[0]?.messageId,
      lastMessageId: stored[2]?.messageId,
    });
    expect(stored.map((m) => Number(m.messageId) - Number(result.firstMessageId))).toEqual([
      0, 1, 2,
    ]);
    expect(stored.map((m) => [m.destination, m.message, m.sent, m.status])).toEqual([
      ['a', 'one', false, 'unread'],
      ['b', 'two', false, 'unread'],
      ['a', 'three', false, 'unread'],
    ]);
    expect(state.conversation(USER, 'whatsapp', '100', 'a')?.map((m) => m.message)).toEqual([
      'one',
      'three',
    ]);
    expect(stored.every((m) => /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(m.datetime))).toBe(true);
  });

  it('generates conversations on every channel, round by round, named by prefix and number', () => {
    const { state, stored } = recordingState();
    const result = injectInboundBulk(state, {
      generate: { conversationsPerChannel: 3, messagesPerConversation: 2 },
    });
    expect(result.count).toBe(4 * 3 * 2);
    expect(new Set(stored.map((m) => m.messageId)).size).toBe(24);
    expect(state.latestPerConversation(USER, 'operator', '400').map((m) => m.destination)).toEqual([
      'contact-3',
      'contact-2',
      'contact-1',
    ]);
    expect(state.conversation(USER, 'whatsapp', '100', 'contact-2')?.map((m) => m.message)).toEqual(
      ['Message 1 from contact-2 on whatsapp 100', 'Message 2 from contact-2 on whatsapp 100'],
    );
    // Round by round: every conversation's first message comes before any second one.
    expect(stored.slice(0, 12).every((m) => m.message.startsWith('Message 1 '))).toBe(true);
  });

  it('generates on the channels named, for the account named, with the prefix given', () => {
    const { state } = recordingState();
    injectInboundBulk(state, {
      user: OTHER.user,
      generate: {
        channels: [{ platform: 'whatsapp', platformId: '900' }],
        conversationsPerChannel: 2,
        destinationPrefix: '3460000',
      },
    });
    expect(
      state.latestPerConversation(OTHER.user, 'whatsapp', '900').map((m) => m.destination),
    ).toEqual(['34600002', '34600001']);
    expect(state.latestPerConversation(USER, 'whatsapp', '100')).toEqual([]);
  });

  it('refuses what is not a bulk injection, naming each field, and stores nothing', () => {
    const { state, stored } = recordingState();
    expect(refusal(state, undefined)).toMatch(/^invalid bulk inbound: the body: /);
    expect(refusal(state, [])).toMatch(/the body: /);
    expect(refusal(state, {})).toMatch(/give either messages or generate/);
    expect(refusal(state, { messages: [], generate: { conversationsPerChannel: 1 } })).toMatch(
      /give either messages or generate/,
    );
    expect(refusal(state, { messages: [] })).toMatch(/messages: /);
    const bad = refusal(state, {
      messages: [
        { platform: 'whatsapp', platformId: '100', destination: 'ok', message: 'fine' },
        { platform: 'whatsapp', platformId: 100, destination: '', message: 'x' },
        { platform: 'whatsapp', platformId: '100', destination: 'd', message: 'x', extra: true },
      ],
    });
    expect(bad).toMatch(/messages\[1\]\.platformId: /);
    expect(bad).toMatch(/messages\[1\]\.destination: must be a non-empty string/);
    expect(bad).toMatch(/messages\[2\]: .*extra/);
    expect(bad).not.toMatch(/messages\[0\]/);
    expect(refusal(state, { generate: { conversationsPerChannel: 0 } })).toMatch(
      /generate\.conversationsPerChannel: /,
    );
    expect(refusal(state, { generate: { conversationsPerChannel: 1.5 } })).toMatch(
      /generate\.conversationsPerChannel: /,
    );
    expect(
      refusal(state, { generate: { conversationsPerChannel: 1, messagesPerConversation: 1_001 } }),
    ).toMatch(/generate\.messagesPerConversation: /);
    expect(stored).toEqual([]);
  });

  it('names the first few problems of a large bad list and counts the rest', () => {
    const { state } = recordingState();
    const messages = Array.from({ length: 50 }, () => ({
      platform: 'whatsapp',
      platformId: '100',
      destination: 'd',
    }));
    const message = refusal(state, { messages });
    expect(message).toMatch(/messages\[9\]\.message/);
    expect(message).not.toMatch(/messages\[10\]/);
    expect(message).toMatch(/and 40 more$/);
  });

  it('refuses an unknown account or channel before storing anything', () => {
    const { state, stored } = recordingState();
    expect(refusal(state, { user: 'nobody', generate: { conversationsPerChannel: 1 } })).toMatch(
      /user: no sandbox account "nobody"/,
    );
    const message = refusal(state, {
      messages: [
        {
          platform: 'whatsapp',
          platformId: '100',
          destination: 'a',
          message: 'would be stored first',
        },
        {
          platform: 'whatsapp',
          platformId: '900',
          destination: 'a',
          message: 'not on the demo account',
        },
      ],
    });
    expect(message).toBe(
      'invalid bulk inbound: messages[1]: account "demo@example.com" has no whatsapp channel 900',
    );
    expect(
      refusal(state, {
        generate: {
          channels: [{ platform: 'signal', platformId: '1' }],
          conversationsPerChannel: 1,
        },
      }),
    ).toMatch(/generate\.channels\[0\]: account "demo@example.com" has no signal channel 1/);
    expect(stored).toEqual([]);
  });

  it(`stores at most ${MAX_BULK_MESSAGES.toLocaleString('en')} messages per call`, () => {
    const { state, stored } = recordingState();
    expect(refusal(state, { generate: { conversationsPerChannel: 25_001 } })).toBe(
      'invalid bulk inbound: generate: 100004 messages (channels × conversationsPerChannel × messagesPerConversation); at most 100000 per call',
    );
    expect(
      refusal(state, { generate: { conversationsPerChannel: MAX_BULK_MESSAGES + 1 } }),
    ).toMatch(/generate\.conversationsPerChannel: /);
    const tooMany = Array.from({ length: MAX_BULK_MESSAGES + 1 }, () => ({
      platform: 'whatsapp',
      platformId: '100',
      destination: 'd',
      message: 'm',
    }));
    expect(refusal(state, { messages: tooMany })).toMatch(/^invalid bulk inbound: messages: /);
    expect(stored).toEqual([]);
  });
});
