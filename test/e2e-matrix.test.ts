/**
 * End-to-end matrix: every method × every flavour × both executors against the real sandbox over
 * real sockets, including the API errors a valid request can meet and account isolation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AfilnetApiError,
  createChatClient,
  type ChatClient,
  type ChatClientConfig,
} from '@afilnet-chat/core';
import { startSandbox, type Sandbox } from '@afilnet-chat/sandbox';
import { DEMO } from './support/account.js';
import { TRICKY_MESSAGE } from './support/sample-calls.js';
import { MATRIX_ROWS } from './support/transport-cases.js';
import { ListingFilter, withListingFilter } from '../packages/core/src/wire/listing-filter.js';

const ROWS = MATRIX_ROWS;
const OTHER = { user: 'other@example.com', password: 'other-password' };

describe.each(ROWS)('e2e: $label', (row) => {
  let sandbox: Sandbox;
  let chat: ChatClient;
  const clients: ChatClient[] = [];

  const connect = (overrides: Partial<ChatClientConfig> = {}): ChatClient => {
    const client = createChatClient({
      transport: row.case.name,
      baseUrl: sandbox.url,
      credentials: DEMO,
      allowInsecureHttp: true,
      executor: row.executor,
      ...row.case.config,
      ...overrides,
    });
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    sandbox = await startSandbox({
      accounts: [
        {
          ...OTHER,
          channels: [{ platform: 'whatsapp', platformId: '100', name: 'Other WhatsApp' }],
        },
      ],
    });
    chat = connect();
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await sandbox.close();
  });

  const whatsapp = { platform: 'whatsapp', platformId: '100' } as const;

  it('getchatchannels lists the seeded channels', async () => {
    await expect(chat.getChatChannels()).resolves.toEqual([
      { platformId: '100', platform: 'whatsapp', name: 'Demo WhatsApp' },
      { platformId: '200', platform: 'telegram', name: 'Demo Telegram' },
      { platformId: '300', platform: 'webchat', name: 'Demo Web chat' },
      { platformId: '400', platform: 'operator', name: 'Demo Operator' },
    ]);
  });

  it('sendmessage stores the exact text, and getmessages gives it back', async () => {
    const conversation = { ...whatsapp, destination: '34611111111' };
    await chat.sendMessage({ ...conversation, message: TRICKY_MESSAGE });
    const messages = await chat.getMessages(conversation);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ ...conversation, message: TRICKY_MESSAGE, sent: true });
    expect(
      sandbox
        .messages(DEMO.user)
        .filter((m) => m.destination === conversation.destination)
        .map((m) => m.message),
    ).toEqual([TRICKY_MESSAGE]);
  });

  it('sendfile needs an open conversation, then stores the file', async () => {
    const conversation = {
      platform: 'telegram',
      platformId: '200',
      destination: 'file-dest',
    } as const;
    const file = { type: 'voix', fileUrl: 'https://files.example.com/a.ogg' } as const;
    await expect(chat.sendFile({ ...conversation, ...file })).rejects.toMatchObject({
      code: 'CHAT_NOT_FOUND',
    });
    await chat.sendMessage({ ...conversation, message: 'first' });
    await chat.sendFile({
      ...conversation,
      ...file,
      thumbUrl: 'https://files.example.com/t.jpg',
      message: 'a voice note',
    });
    const stored = sandbox.messages(DEMO.user).filter((m) => m.destination === 'file-dest');
    expect(stored.at(-1)).toMatchObject({
      message: 'a voice note',
      file: { type: 'voice', fileUrl: file.fileUrl },
    });
  });

  it('getchats gives the latest message of each conversation, and [] on a quiet channel', async () => {
    await chat.sendMessage({
      platform: 'webchat',
      platformId: '300',
      destination: 'visitor-1',
      message: 'one',
    });
    await chat.sendMessage({
      platform: 'webchat',
      platformId: '300',
      destination: 'visitor-2',
      message: 'two',
    });
    await chat.sendMessage({
      platform: 'webchat',
      platformId: '300',
      destination: 'visitor-1',
      message: 'three',
    });
    const chats = await chat.getChats({ platform: 'webchat', platformId: '300' });
    expect(chats.map((c) => [c.destination, c.message])).toEqual([
      ['visitor-1', 'three'],
      ['visitor-2', 'two'],
    ]);
    await expect(chat.getChats({ platform: 'operator', platformId: '400' })).resolves.toEqual([]);
  });

  it("getchats with a listener's filter leaves out the chats it knows, where the answer is read as bytes", async () => {
    const channel = { platform: 'telegram', platformId: '200' } as const;
    for (let i = 0; i < 12; i++)
      sandbox.injectInbound({
        user: DEMO.user,
        ...channel,
        destination: `filter-${i}`,
        message: `m${i}`,
      });
    // Only the JSON flavours read bytes, and only the undici executor keeps them.
    const reads = row.case.name !== 'soap' && row.executor === 'undici';
    const learn = new ListingFilter(() => false);
    const first = await chat.getChats(channel, withListingFilter({}, learn));
    expect(first).toEqual(await chat.getChats(channel));
    expect(learn.read).toBe(reads);
    expect(learn.kept).toHaveLength(reads ? 2 * first.length : 0);

    sandbox.injectInbound({
      user: DEMO.user,
      ...channel,
      destination: 'filter-5',
      message: 'again',
    });
    const known = new Set(
      learn.kept.map((n, i) => (i % 2 === 0 ? `${n}/${learn.kept[i + 1]}` : '')),
    );
    const filter = new ListingFilter((key, check) => known.has(`${key}/${check}`));
    const second = await chat.getChats(channel, withListingFilter({}, filter));
    const whole = await chat.getChats(channel);
    expect(whole.find((c) => c.destination === 'filter-5')?.message).toBe('again');
    if (reads) {
      expect(second).toEqual(whole.filter((c) => c.destination === 'filter-5'));
      expect(filter.skippedCount).toBe(whole.length - 1);
    } else expect(second).toEqual(whole);
  });

  it('getunreadmessages gives unread inbound messages once', async () => {
    const conversation = { ...whatsapp, destination: 'inbound-1' };
    sandbox.injectInbound({ user: DEMO.user, ...conversation, message: 'hi' });
    sandbox.injectInbound({ user: DEMO.user, ...conversation, message: 'are you there?' });
    const unread = await chat.getUnreadMessages(conversation);
    expect(unread.map((m) => [m.message, m.sent])).toEqual([
      ['hi', false],
      ['are you there?', false],
    ]);
    await expect(chat.getUnreadMessages(conversation)).resolves.toEqual([]);
    await chat.sendMessage({ ...conversation, message: 'yes' });
    await expect(chat.getUnreadMessages(conversation)).resolves.toEqual([]);
  });

  // The same error whatever the transport: json-oauth authenticating as the account too.
  it('a wrong password is INCORRECT_USER_PASSWORD', async () => {
    const client = connect({ credentials: { user: DEMO.user, password: 'not-the-password' } });
    const error = await client.getChatChannels().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AfilnetApiError);
    expect(error).toMatchObject({ code: 'INCORRECT_USER_PASSWORD' });
    if (row.case.name === 'json-oauth')
      expect((error as Error).cause).toMatchObject({
        code: 'TOKEN_ENDPOINT',
        oauthError: 'invalid_client',
      });
  });

  it('an unknown user is INCORRECT_USER_PASSWORD', async () => {
    const stranger = connect({
      credentials: { user: 'nobody@example.com', password: 'x-password' },
    });
    await expect(stranger.getChatChannels()).rejects.toMatchObject({
      name: 'AfilnetApiError',
      code: 'INCORRECT_USER_PASSWORD',
    });
  });

  it('a channel the account does not have is CHANNEL_NOT_FOUND for every method that names one', async () => {
    const ghost = { platform: 'whatsapp', platformId: '999', destination: 'x' } as const;
    await expect(chat.sendMessage({ ...ghost, message: 'm' })).rejects.toMatchObject({
      code: 'CHANNEL_NOT_FOUND',
    });
    await expect(
      chat.sendFile({ ...ghost, type: 'image', fileUrl: 'https://e.example/i.png' }),
    ).rejects.toMatchObject({
      code: 'CHANNEL_NOT_FOUND',
    });
    await expect(chat.getChats(ghost)).rejects.toMatchObject({ code: 'CHANNEL_NOT_FOUND' });
    await expect(chat.getMessages(ghost)).rejects.toMatchObject({ code: 'CHANNEL_NOT_FOUND' });
    await expect(chat.getUnreadMessages(ghost)).rejects.toMatchObject({
      code: 'CHANNEL_NOT_FOUND',
    });
  });

  it('a destination with no conversation is CHAT_NOT_FOUND', async () => {
    const nobody = { ...whatsapp, destination: 'never-talked' };
    await expect(chat.getMessages(nobody)).rejects.toMatchObject({ code: 'CHAT_NOT_FOUND' });
    await expect(chat.getUnreadMessages(nobody)).rejects.toMatchObject({ code: 'CHAT_NOT_FOUND' });
  });

  it('accounts are isolated', async () => {
    const other = connect({ credentials: OTHER });
    await expect(other.getChatChannels()).resolves.toEqual([
      { platformId: '100', platform: 'whatsapp', name: 'Other WhatsApp' },
    ]);
    await expect(other.getChats(whatsapp)).resolves.toEqual([]);
    await expect(
      other.getMessages({ ...whatsapp, destination: '34611111111' }),
    ).rejects.toMatchObject({ code: 'CHAT_NOT_FOUND' });
    await expect(
      other.getChatChannels().then((c) => c.some((ch) => ch.platformId === '200')),
    ).resolves.toBe(false);
  });
});
