// support-bot.mts: a support bot that answers every customer who writes, on every channel of the
// account, new customers included. TypeScript, ESM: run it with `npx tsx support-bot.mts`.
import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createChatClient, createFileCheckpoint } from '@afilnet-chat/core';
import { DEMO_ACCOUNT, startSandbox } from '@afilnet-chat/sandbox';

const sandbox = await startSandbox();
const chat = createChatClient({
  transport: 'json-oauth',
  baseUrl: sandbox.url, // leave out baseUrl and allowInsecureHttp to talk to Afilnet itself
  allowInsecureHttp: true,
  credentials: { user: DEMO_ACCOUNT.user, password: DEMO_ACCOUNT.password },
});

// The checkpoint remembers what was taken in and handled: a restarted bot loses no message. A
// real bot keeps it (and the log of answers below) somewhere lasting, e.g. ./support-bot.json.
const dir = await mkdtemp(join(tmpdir(), 'support-bot-'));
const checkpoint = createFileCheckpoint(join(dir, 'inbound.json'));

// Play three customers writing for the first time, on two channels.
const customers = [
  {
    platform: 'whatsapp',
    platformId: '100',
    destination: '34611111111',
    message: 'Hello, where is my order?',
  },
  {
    platform: 'telegram',
    platformId: '200',
    destination: 'ana_k',
    message: 'Do you ship to Portugal?',
  },
  {
    platform: 'whatsapp',
    platformId: '100',
    destination: '34622222222',
    message: 'Can I change my address?',
  },
];
for (const customer of customers) sandbox.injectInbound({ user: DEMO_ACCOUNT.user, ...customer });
console.log(`${customers.length} customers wrote; the bot listens`);

// A message can be handed out twice (after a crash, the one being handled comes again): record
// each answered messageId, and answer only those not recorded.
const answeredLog = join(dir, 'answered.txt');
const answered = new Set(
  (await readFile(answeredLog, 'utf8').catch(() => '')).split('\n').filter(Boolean),
);

try {
  for await (const message of chat.watchInbound({ intervalMs: 1_000, checkpoint })) {
    if (!answered.has(message.messageId)) {
      const { platform, platformId, destination } = message;
      await chat.sendMessage({
        platform,
        platformId,
        destination,
        message: 'Thanks for writing! An agent will answer you within the hour.',
      });
      await appendFile(answeredLog, `${message.messageId}\n`);
      answered.add(message.messageId);
      console.log(`answered ${platform} ${platformId} ${destination}: "${message.message}"`);
    }
    // A real bot keeps listening until it is stopped (chat.close() ends the loop too).
    if (answered.size === customers.length) break;
  }
  console.log(
    `replies the sandbox received: ${sandbox.messages({ direction: 'outbound' }).length}`,
  );
} finally {
  await chat.close();
  await sandbox.close();
  await rm(dir, { recursive: true, force: true });
}
