// A bulk campaign on BullMQ: one message per customer, queued under an idempotency key, sent by a
// worker at a shared rate limit, then every outcome read back and printed.
// Needs a Redis server: REDIS_URL, or redis://127.0.0.1:6379 (`docker run -p 6379:6379 redis`,
// or Debian's redis-server). Run it with `npx tsx bulk-campaign.mts`.
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { createSendQueue, createSendWorker, type SendOutcome } from '@afilnet-chat/bullmq';
import { createChatClient, type SendMessageInput } from '@afilnet-chat/core';
import { DEMO_ACCOUNT, startSandbox } from '@afilnet-chat/sandbox';

// BullMQ's workers block on Redis, so ioredis must not give up on a command: maxRetriesPerRequest null.
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', {
  maxRetriesPerRequest: null,
});
const sandbox = await startSandbox();
const chat = createChatClient({
  transport: 'json-oauth',
  baseUrl: sandbox.url, // leave out baseUrl and allowInsecureHttp to talk to Afilnet itself
  allowInsecureHttp: true,
  credentials: { user: DEMO_ACCOUNT.user, password: DEMO_ACCOUNT.password },
});

// A queue of its own per run, removed at the end: this example leaves nothing in Redis.
const queueName = `campaign-example-${process.pid}-${Date.now()}`;
const queue = createSendQueue({ connection: redis, queueName });
// Workers usually run in other processes, any number of them; the limiter holds across all.
const worker = createSendWorker({
  connection: redis,
  queueName,
  client: chat,
  concurrency: 4,
  limiter: { max: 20, duration: 1_000 },
});
worker.on('error', (error) => console.error('worker:', error.message)); // BullMQ reports Redis trouble as events

const shipped = (destination: string, order: string): SendMessageInput => ({
  platform: 'whatsapp',
  platformId: '100',
  destination,
  message: `Your order ${order} has shipped`,
});

/** Reads each key's outcome until none is 'queued' any more (30 s at most). */
async function outcomes(keys: readonly string[]): Promise<Map<string, SendOutcome | undefined>> {
  for (const started = Date.now(); ; await sleep(100)) {
    const found = await Promise.all(keys.map((key) => queue.outcome(key)));
    if (found.every((outcome) => outcome !== 'queued') || Date.now() - started > 30_000) {
      return new Map(keys.map((key, i) => [key, found[i]]));
    }
  }
}

try {
  // The key names the send: an order number. Queued again, the same key is the same job, sent once.
  await queue.sendMessage(shipped('34600000001', 'A-1001'), { idempotencyKey: 'shipped-A-1001' });
  await queue.sendMessage(shipped('34600000002', 'A-1002'), { idempotencyKey: 'shipped-A-1002' });
  await queue.sendMessage(shipped('34600000003', 'A-1003'), { idempotencyKey: 'shipped-A-1003' });
  await queue.sendMessage(shipped('34600000001', 'A-1001'), { idempotencyKey: 'shipped-A-1001' }); // a retry of the producer: a no-op
  // A channel the account does not have: Afilnet refuses it (CHANNEL_NOT_FOUND), so it was never sent.
  await queue.sendMessage(
    { ...shipped('34600000004', 'A-1004'), platformId: '999' },
    { idempotencyKey: 'shipped-A-1004' },
  );

  const keys = ['shipped-A-1001', 'shipped-A-1002', 'shipped-A-1003', 'shipped-A-1004'];
  for (const [key, outcome] of await outcomes(keys)) console.log(`${key}: ${outcome}`);
  console.log(
    `messages the sandbox received: ${sandbox.messages({ direction: 'outbound' }).length}`,
  );

  // The connection drops right after Afilnet stored the next send: the worker cannot know
  // whether it arrived, so it never sends it again and reports it for review.
  sandbox.chaos([{ method: 'sendmessage', times: 1, fault: { reset: 'after-commit' } }]);
  await queue.sendMessage(shipped('34600000005', 'A-1005'), { idempotencyKey: 'shipped-A-1005' });
  for (const [key, outcome] of await outcomes(['shipped-A-1005']))
    console.log(`${key}: ${outcome}`);

  // Settling a needs-review send: look for it in the conversation before sending it again.
  for (const item of await queue.needsReview()) {
    const { platform, platformId, destination, message } = item.input;
    const history = await chat.getMessages({ platform, platformId, destination });
    const arrived = history.some((m) => m.message === message);
    console.log(
      `${item.idempotencyKey} needs review (${item.error.code}): ` +
        (arrived
          ? 'found in the conversation, nothing to resend'
          : 'not in the conversation, queue it again under a new key'),
    );
  }
} finally {
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  await chat.close();
  await redis.quit();
  await sandbox.close();
}
