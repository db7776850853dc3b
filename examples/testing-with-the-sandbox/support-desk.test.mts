// Testing an app against the sandbox with vitest: run it with `npx vitest run`.
// The app reads its configuration from the environment, as it does in production; the test
// points that environment at a sandbox started here.
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { createChatClientFromEnv, type ChatClient } from '@afilnet-chat/core';
import { DEMO_ACCOUNT, startSandbox, type Sandbox } from '@afilnet-chat/sandbox';
import { answerUnread } from './support-desk.mjs';

const conversation = {
  platform: 'whatsapp',
  platformId: '100',
  destination: '34600000000',
} as const;
let sandbox: Sandbox;
let chat: ChatClient;

beforeAll(async () => {
  sandbox = await startSandbox();
  chat = createChatClientFromEnv({
    AFILNET_TRANSPORT: 'post',
    AFILNET_BASE_URL: sandbox.url,
    AFILNET_ALLOW_INSECURE_HTTP: '1', // the sandbox speaks plain http on loopback
    AFILNET_USER: DEMO_ACCOUNT.user,
    AFILNET_PASSWORD: DEMO_ACCOUNT.password,
  });
});
beforeEach(() => sandbox.reset()); // each test starts with no conversation
afterAll(async () => {
  await chat.close();
  await sandbox.close();
});

it('answers a customer who asks for a refund', async () => {
  sandbox.injectInbound({ user: DEMO_ACCOUNT.user, ...conversation, message: 'refund please' });
  expect(await answerUnread(chat, conversation)).toEqual({ answered: 1, unsure: 0 });
  const reply = await sandbox.waitForMessage(
    { destination: conversation.destination, direction: 'outbound' },
    { timeoutMs: 2_000 },
  );
  expect(reply.message).toMatch(/refund/i);
});

it('answers each message once, however often it runs', async () => {
  sandbox.injectInbound({ user: DEMO_ACCOUNT.user, ...conversation, message: 'hello?' });
  await answerUnread(chat, conversation);
  expect(await answerUnread(chat, conversation)).toEqual({ answered: 0, unsure: 0 });
  expect(sandbox.messages({ direction: 'outbound' })).toHaveLength(1);
});

it('does not send twice when the connection drops after the send', async () => {
  sandbox.injectInbound({ user: DEMO_ACCOUNT.user, ...conversation, message: 'refund please' });
  sandbox.chaos([{ method: 'sendmessage', times: 1, fault: { reset: 'after-commit' } }]);
  expect(await answerUnread(chat, conversation)).toEqual({ answered: 0, unsure: 1 });
  expect(sandbox.messages({ direction: 'outbound' })).toHaveLength(1); // stored once, by the sandbox
});
