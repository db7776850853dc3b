/**
 * The bulk-sending guarantees (docs/behaviour.md#fleet) on a real Redis and real processes: 2,000 sends through four
 * worker processes killed at random, with the sandbox resetting some connections before and after it
 * stores the send; a key queued three times; a 429 with `Retry-After`; and the global limiter.
 */
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { createSendQueue, createSendWorker, jobIdOf, type SendQueue } from '@afilnet-chat/bullmq';
import { createChatClient, type ChatClient } from '@afilnet-chat/core';
import type { Worker } from 'bullmq';
import { DEMO } from './support/account.js';
import { useFleetServices } from './support/fleet-services.js';
import { startFleetPool, type FleetPool } from './support/fleet-pool.js';
import { waitFor } from './support/wait-for.js';

const CHANNEL = { platform: 'whatsapp', platformId: '100' } as const;

const services = useFleetServices();
const { closers, connection } = services;

/** How many times the sandbox stored each text sent to `destination`. */
function received(destination: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const m of services.sandbox.messages(DEMO.user)) {
    if (m.destination === destination) counts.set(m.message, (counts.get(m.message) ?? 0) + 1);
  }
  return counts;
}

function queueFor(queueName: string): SendQueue {
  const queue = createSendQueue({
    connection: connection(),
    queueName,
    defaultJobOptions: { backoff: { type: 'exponential', delay: 100 } },
  });
  closers.push(() => queue.close());
  return queue;
}

/** Waits for a queue state, asking Redis every 100 ms. */
const until = (condition: () => Promise<boolean>, limitMs: number) =>
  waitFor(condition, limitMs, 100);

async function finished(queue: SendQueue): Promise<number> {
  const counts = await queue.getJobCounts('completed', 'failed');
  return (counts.completed ?? 0) + (counts.failed ?? 0);
}

describe('bulk sending on BullMQ', () => {
  it('2,000 sends through 4 killed-at-random workers and a resetting server: none lost, none twice', async () => {
    const destination = '34600002000';
    const queueName = 'crash';
    const queue = queueFor(queueName);
    const settings = {
      baseUrl: services.sandbox.url,
      credentials: DEMO,
      redisPort: services.redis.port,
      queueName,
      timeoutMs: 5_000,
      concurrency: 16,
      // Slow enough for the kills to land mid-run, with stalled jobs found within ~2 s.
      limiter: { max: 400, duration: 1_000 },
      lockDuration: 1_500,
      stalledInterval: 750,
    };
    const pool: FleetPool = await startFleetPool('../../scripts/fleet-worker.mjs', 4, {
      FLEET_WORKER: JSON.stringify(settings),
    });
    closers.push(() => pool.close());

    const keys = Array.from({ length: 2_000 }, (_, i) => `crash-${i}`);
    // The key queued three times is sent before the chaos starts, so that it must end `sent`.
    await queue.sendMessage(
      { ...CHANNEL, destination, message: 'crash-dup' },
      { idempotencyKey: 'crash-dup' },
    );
    await until(async () => (await queue.outcome('crash-dup')) === 'sent', 20_000);
    services.sandbox.chaos([
      { method: 'sendmessage', probability: 0.01, fault: { reset: 'before-commit' } },
      { method: 'sendmessage', probability: 0.03, fault: { reset: 'after-commit' } },
    ]);
    for (let i = 0; i < keys.length; i += 200) {
      await Promise.all(
        keys
          .slice(i, i + 200)
          .map((key) =>
            queue.sendMessage({ ...CHANNEL, destination, message: key }, { idempotencyKey: key }),
          ),
      );
    }
    await queue.sendMessage(
      { ...CHANNEL, destination, message: 'crash-dup' },
      { idempotencyKey: 'crash-dup' },
    );

    // Kill a random live worker every 0.4–1 s and start a fresh one, six times at most (each new
    // worker process costs a second or two of CPU on a two-core machine).
    let kills = 0;
    const total = keys.length + 1;
    while (kills < 6 && (await finished(queue)) < total) {
      await new Promise((r) => setTimeout(r, 400 + Math.random() * 600));
      const live = pool.children.filter(
        (c) => c.process.exitCode === null && c.process.signalCode === null,
      );
      live[Math.floor(Math.random() * live.length)]?.process.kill('SIGKILL');
      pool.add();
      kills++;
    }
    try {
      await until(async () => (await finished(queue)) === total, 90_000);
    } finally {
      services.sandbox.chaos([]);
    }
    await queue.sendMessage(
      { ...CHANNEL, destination, message: 'crash-dup' },
      { idempotencyKey: 'crash-dup' },
    );

    const counts = received(destination);
    const tally = { sent: 0, 'needs-review': 0, 'not-sent': 0, queued: 0, missing: 0 };
    const wrong: string[] = [];
    const all = [...keys, 'crash-dup'];
    const outcomes: Array<Awaited<ReturnType<SendQueue['outcome']>>> = [];
    for (let i = 0; i < all.length; i += 250)
      outcomes.push(...(await Promise.all(all.slice(i, i + 250).map((key) => queue.outcome(key)))));
    for (const [index, key] of all.entries()) {
      const outcome = outcomes[index];
      const times = counts.get(key) ?? 0;
      tally[outcome ?? 'missing']++;
      if (outcome === 'sent' && times !== 1) wrong.push(`${key} sent but received ${times} times`);
      if (outcome === 'needs-review' && times > 1)
        wrong.push(`${key} needs review but received ${times} times`);
      if (outcome === 'not-sent' && times !== 0)
        wrong.push(`${key} not sent but received ${times} times`);
    }
    expect(wrong).toEqual([]);
    expect(tally.queued + tally.missing).toBe(0);
    expect(Math.max(...counts.values())).toBe(1);
    expect(kills).toBeGreaterThanOrEqual(3);
    const dropped = services.sandbox.requests({ method: 'sendmessage', status: 0 });
    expect(dropped.filter((r) => r.chaos === 'reset after-commit').length).toBeGreaterThan(0);
    expect(tally['needs-review']).toBeGreaterThan(0);
    expect(tally.sent).toBeGreaterThan(keys.length / 2);
    expect(await queue.outcome('crash-dup')).toBe('sent');
    expect(counts.get('crash-dup')).toBe(1);
    const review = await queue.needsReview();
    expect(review.length).toBe(tally['needs-review']);
    expect(
      review.every((r) => r.input.destination === destination && r.error.code.length > 0),
    ).toBe(true);
    console.log(`fleet crash run: ${JSON.stringify({ kills, ...tally, dropped: dropped.length })}`);
  }, 150_000);

  it('pauses the queue for Retry-After on a 429 without failing a job or using up an attempt', async () => {
    const destination = '34600000429';
    // Answers 429 `Retry-After: 1` for the first second after the first request, then relays.
    let refusingUntil = 0;
    const refused: number[] = [];
    const accepted: number[] = [];
    const target = new URL(services.sandbox.url);
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const now = Date.now();
        if (refusingUntil === 0) refusingUntil = now + 1_000;
        if (now < refusingUntil) {
          refused.push(now);
          res.writeHead(429, { 'retry-after': '1', 'content-type': 'text/plain' });
          res.end('Too Many Requests');
          return;
        }
        accepted.push(now);
        const upstream = httpRequest(
          {
            host: target.hostname,
            port: target.port,
            method: req.method,
            path: req.url,
            headers: { ...req.headers, host: target.host },
          },
          (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
          },
        );
        upstream.end(Buffer.concat(chunks));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    closers.push(() => new Promise((r) => server.close(r)));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const queue = queueFor('rate-limited');
    const client = createChatClient({
      transport: 'post',
      baseUrl: url,
      credentials: DEMO,
      allowInsecureHttp: true,
      retry: false,
    });
    closers.push(() => client.close());
    const worker = createSendWorker({
      connection: connection(),
      queueName: 'rate-limited',
      client,
      concurrency: 4,
    });
    closers.push(() => worker.close());
    const keys = Array.from({ length: 20 }, (_, i) => `rl-${i}`);
    for (const key of keys)
      await queue.sendMessage({ ...CHANNEL, destination, message: key }, { idempotencyKey: key });
    await until(async () => (await finished(queue)) === keys.length, 20_000);

    const counts = await queue.getJobCounts('completed', 'failed');
    expect(counts).toEqual({ completed: keys.length, failed: 0 });
    const jobs = await Promise.all(keys.map((key) => queue.getJob(jobIdOf(key))));
    // One attempt each, the one that sent: waiting out a 429 used none.
    expect(jobs.map((job) => job?.attemptsMade)).toEqual(keys.map(() => 1));
    expect(refused.length).toBeGreaterThan(0);
    // The queue paused: nothing was tried again before Retry-After ran out.
    expect(Math.min(...accepted) - Math.min(...refused)).toBeGreaterThanOrEqual(950);
    // Only the sends already in flight met the 429; the rest waited.
    expect(refused.length).toBeLessThanOrEqual(8);
    expect(received(destination).size).toBe(keys.length);
    // The queue-wide limit that carried the pause to every worker is gone once the pause ended:
    // jobs are not counted against a limiter outside a pause.
    await until(async () => (await queue.getGlobalRateLimit()) === null, 5_000);
  }, 30_000);

  it('holds the limiter rate across two workers', async () => {
    const destination = '34600000050';
    const queueName = 'limited';
    const queue = queueFor(queueName);
    const limiter = { max: 10, duration: 500 };
    const clients: ChatClient[] = [0, 1].map(() =>
      createChatClient({
        transport: 'post',
        baseUrl: services.sandbox.url,
        credentials: DEMO,
        allowInsecureHttp: true,
      }),
    );
    const workers: Worker[] = clients.map((client) =>
      createSendWorker({ connection: connection(), queueName, client, concurrency: 8, limiter }),
    );
    const perWorker = new Map<Worker, number>();
    for (const w of workers) w.on('completed', () => perWorker.set(w, (perWorker.get(w) ?? 0) + 1));
    for (const w of workers) closers.push(() => w.close());
    for (const c of clients) closers.push(() => c.close());
    const keys = Array.from({ length: 40 }, (_, i) => `lim-${i}`);
    await Promise.all(
      keys.map((key) =>
        queue.sendMessage({ ...CHANNEL, destination, message: key }, { idempotencyKey: key }),
      ),
    );
    await until(async () => (await finished(queue)) === keys.length, 20_000);

    const jobs = await Promise.all(keys.map((key) => queue.getJob(jobIdOf(key))));
    const started = jobs.map((job) => job?.processedOn ?? 0).sort((a, b) => a - b);
    expect(workers.map((w) => (perWorker.get(w) ?? 0) > 0)).toEqual([true, true]);
    // 40 jobs at 10 per 500 ms: at least three full windows between the first and the last.
    expect((started.at(-1) ?? 0) - (started[0] ?? 0)).toBeGreaterThanOrEqual(
      3 * limiter.duration - 50,
    );
    const observedPerSecond =
      (keys.length - limiter.max) / (((started.at(-1) ?? 0) - (started[0] ?? 0)) / 1_000);
    expect(observedPerSecond).toBeLessThanOrEqual((limiter.max * 1_000) / limiter.duration);
    expect(received(destination).size).toBe(keys.length);
  }, 30_000);
});

describe('not-sent outcomes', () => {
  it('ends not-sent on an API refusal at once, and on a refused connection after every attempt', async () => {
    const queue = createSendQueue({
      connection: connection(),
      queueName: 'not-sent',
      defaultJobOptions: { attempts: 2, backoff: { type: 'exponential', delay: 50 } },
    });
    closers.push(() => queue.close());
    const refused = createServer();
    await new Promise<void>((r) => refused.listen(0, '127.0.0.1', () => r()));
    const refusedPort = (refused.address() as AddressInfo).port;
    await new Promise((r) => refused.close(r));
    const clients: ChatClient[] = [
      createChatClient({
        transport: 'post',
        baseUrl: services.sandbox.url,
        credentials: DEMO,
        allowInsecureHttp: true,
      }),
      createChatClient({
        transport: 'post',
        baseUrl: `http://127.0.0.1:${refusedPort}`,
        credentials: DEMO,
        allowInsecureHttp: true,
        retry: false,
      }),
    ];
    for (const c of clients) closers.push(() => c.close());

    // An unknown channel: the sandbox answers CHANNEL_NOT_FOUND, so the send was refused.
    const api = createSendWorker({
      connection: connection(),
      queueName: 'not-sent',
      client: clients[0] as ChatClient,
    });
    closers.push(() => api.close());
    await queue.sendMessage(
      { platform: 'whatsapp', platformId: '999', destination: '34600000404', message: 'x' },
      { idempotencyKey: 'no-channel' },
    );
    await until(async () => (await queue.outcome('no-channel')) !== 'queued', 10_000);
    expect(await queue.outcome('no-channel')).toBe('not-sent');
    expect((await queue.getJob(jobIdOf('no-channel')))?.attemptsMade).toBe(1);
    await api.close();

    // Nothing listens: no byte was written, so each attempt is made, then the send is not-sent.
    const network = createSendWorker({
      connection: connection(),
      queueName: 'not-sent',
      client: clients[1] as ChatClient,
    });
    closers.push(() => network.close());
    await queue.sendMessage(
      { ...CHANNEL, destination: '34600000111', message: 'x' },
      { idempotencyKey: 'refused' },
    );
    await until(async () => (await queue.outcome('refused')) !== 'queued', 10_000);
    expect(await queue.outcome('refused')).toBe('not-sent');
    expect((await queue.getJob(jobIdOf('refused')))?.attemptsMade).toBe(2);
    expect(await queue.needsReview()).toEqual([]);
  });
});

describe('send queue validation', () => {
  it('refuses bad input and a missing idempotency key before anything is queued', async () => {
    const queue = queueFor('validation');
    await expect(
      queue.sendMessage({ ...CHANNEL, destination: '', message: 'x' }, { idempotencyKey: 'v-1' }),
    ).rejects.toMatchObject({
      name: 'AfilnetValidationError',
      code: 'INVALID_PARAMS',
    });
    await expect(
      queue.sendMessage(
        { ...CHANNEL, destination: '346', message: 'x' },
        {} as { idempotencyKey: string },
      ),
    ).rejects.toMatchObject({
      code: 'INVALID_PARAMS',
      issues: [{ path: 'options.idempotencyKey' }],
    });
    expect(await queue.count()).toBe(0);
    expect(await queue.outcome('v-1')).toBeUndefined();
    const redis = new Redis(services.redis.url);
    closers.push(async () => redis.disconnect());
    expect(await redis.keys('bull:validation:key-*')).toEqual([]);
  });
});

describe('BullMQ types and options', () => {
  it('returns BullMQ’s Queue and Worker, passing their options through, and refuses bad options of ours', async () => {
    const { Queue, Worker } = await import('bullmq');
    const queue = createSendQueue({
      connection: connection(),
      queueName: 'types',
      defaultJobOptions: { removeOnComplete: { age: 60 } },
    });
    closers.push(() => queue.close());
    expect(queue).toBeInstanceOf(Queue);
    expect(queue.defaultJobOptions).toMatchObject({ attempts: 3, removeOnComplete: { age: 60 } });
    const client = createChatClient({
      transport: 'post',
      baseUrl: services.sandbox.url,
      credentials: DEMO,
      allowInsecureHttp: true,
    });
    closers.push(() => client.close());
    const worker = createSendWorker({
      connection: connection(),
      queueName: 'types',
      client,
      autorun: false,
      concurrency: 3,
      lockDuration: undefined,
    });
    closers.push(() => worker.close());
    expect(worker).toBeInstanceOf(Worker);
    expect(worker.isRunning()).toBe(false);
    expect(worker.concurrency).toBe(3);
    expect(worker.opts.lockDuration).toBe(30_000);
    expect(() =>
      createSendWorker({ connection: connection(), client: {} as ChatClient, queueName: '' }),
    ).toThrow(
      expect.objectContaining({
        code: 'INVALID_CONFIG',
        issues: [
          { path: 'queueName', message: 'must be a non-empty string' },
          { path: 'client', message: 'must be a ChatClient (createChatClient)' },
        ],
      }),
    );
  });
});
