/**
 * Receiving on BullMQ, on a real Redis and the real sandbox: pollers and workers in three
 * processes SIGKILLed and restarted at random while messages arrive over many conversations,
 * with some `getunreadmessages` answers lost after the server marked them read. Every message is
 * handled at least once and queued once; one conversation's handlers never overlap and run in
 * order; polling resumes within 15 s of the death of the process running it. Also: the job id,
 * the options, retries and a job out of attempts.
 */
import { readFileSync, rmSync, mkdtempSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createInboundPoller,
  createInboundWorker,
  inboundJobId,
  type InboundPoller,
} from '@afilnet-chat/bullmq';
import { createChatClient, type ChatClient, type ChatMessage } from '@afilnet-chat/core';
import { Queue, type Worker } from 'bullmq';
import { Redis } from 'ioredis';
import {
  ConversationOrder,
  InboundPollSuperseded,
  InboundStateStore,
  openInboundRedis,
} from '../packages/bullmq/src/inbound-redis.js';
import { CHANNELS, DEMO } from './support/account.js';
import { useFleetServices } from './support/fleet-services.js';
import { startFleetPool, type FleetChild, type FleetPool } from './support/fleet-pool.js';
import { waitFor } from './support/wait-for.js';

const dir = mkdtempSync(join(tmpdir(), 'afilnet-fleet-inbound-'));
// Registered first, so it runs last: once the children writing into the directory are gone.
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const services = useFleetServices();
const { closers, connection } = services;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const destination = (n: number, prefix = '34688') => `${prefix}${String(n).padStart(4, '0')}`;

function chatClient(): ChatClient {
  const client = createChatClient({
    transport: 'post',
    baseUrl: services.sandbox.url,
    credentials: DEMO,
    allowInsecureHttp: true,
  });
  closers.push(() => client.close());
  return client;
}

describe('inbound job ids and options', () => {
  it('derives one id per message from its channel and messageId: no colon, never an integer', () => {
    const ids = [
      inboundJobId({ platform: 'whatsapp', platformId: '100', messageId: '42' }),
      inboundJobId({ platform: 'whatsapp', platformId: '100', messageId: '43' }),
      inboundJobId({ platform: 'whatsapp', platformId: '101', messageId: '42' }),
      inboundJobId({ platform: 'telegram', platformId: '100', messageId: '42' }),
      inboundJobId({ platform: 'whatsapp', platformId: '1/00', messageId: 'a:b' }),
      inboundJobId({ platform: 'whatsapp', platformId: '1', messageId: '00/a:b' }),
    ];
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) {
      expect(id).not.toContain(':');
      expect(`${Number.parseInt(id, 10)}`).not.toBe(id);
    }
    expect(inboundJobId({ platform: 'whatsapp', platformId: '100', messageId: '42' })).toBe(
      'in/whatsapp/100/42',
    );
  });

  it('refuses bad options at creation, naming each, and passes BullMQ worker options through', async () => {
    const client = chatClient();
    await expect(
      createInboundPoller({
        connection: connection(),
        client,
        intervalMs: 0,
        queueName: '',
      } as never),
    ).rejects.toMatchObject({
      name: 'AfilnetValidationError',
      code: 'INVALID_CONFIG',
      issues: [{ path: 'queueName' }, { path: 'intervalMs' }],
    });
    await expect(
      createInboundPoller({ connection: connection(), client: {} } as never),
    ).rejects.toMatchObject({
      code: 'INVALID_CONFIG',
      issues: [{ path: 'client' }],
    });
    expect(() =>
      createInboundWorker({ connection: connection(), recheckMs: 1.5 }, () => undefined),
    ).toThrow(/recheckMs/);
    expect(() => createInboundWorker({ connection: connection() }, 'nope' as never)).toThrow(
      /handler/,
    );
    const worker = createInboundWorker(
      { connection: connection(), queueName: 'opts', autorun: false, concurrency: 3, name: 'w1' },
      () => undefined,
    );
    closers.push(() => worker.close());
    expect(worker.isRunning()).toBe(false);
    expect(worker.concurrency).toBe(3);
    expect(worker.opts.name).toBe('w1');
  });
});

describe('the poll state and the conversation chains in Redis', () => {
  it('saves the state only for the poll that loaded it last, and refuses a key that is not a state', async () => {
    const redis = openInboundRedis(connection());
    closers.push(() => redis.quit());
    const store = new InboundStateStore(redis, 'unit:state');
    const first = await store.load();
    first.state.sweptAt = 1;
    await first.save(first.state);
    const second = await store.load();
    expect(second.state.sweptAt).toBe(1);
    second.state.sweptAt = 2;
    await second.save(second.state);
    // The first poll was replaced: its saves are refused, the second's kept.
    await expect(first.save(first.state)).rejects.toBeInstanceOf(InboundPollSuperseded);
    expect((await store.load()).state.sweptAt).toBe(2);
    await redis.hset('unit:not-state', 'version', '1', 'state', '{"format":"something else"}');
    await expect(new InboundStateStore(redis, 'unit:not-state').load()).rejects.toMatchObject({
      code: 'INVALID_CONFIG',
    });
    expect(await redis.hget('unit:not-state', 'state')).toBe('{"format":"something else"}');
  });

  it('saves only what changed, field by field, and reads back the state the poll holds', async () => {
    const redis = openInboundRedis(connection());
    closers.push(() => redis.quit());
    const key = 'unit:fields';
    const store = new InboundStateStore(redis, key);
    const conversation = (n: number) => ({
      platform: 'whatsapp' as const,
      platformId: '100',
      destination: destination(n),
      marker: `m${n}`,
    });
    const first = await store.load();
    for (let n = 0; n < 200; n++) first.state.conversations[`c${n}`] = conversation(n);
    await first.save(first.state);
    first.release();
    expect(await redis.hlen(key)).toBe(202);

    // A save after two conversations changed and one went writes those three fields.
    const loaded = await store.load();
    expect(loaded.state).toBe(first.state); // kept in memory: the version is this process's
    const monitor = await new Redis(services.redis.url).monitor();
    closers.push(async () => monitor.disconnect());
    const saves: string[][] = [];
    monitor.on('monitor', (_time: number, args: string[], source: string) => {
      if (source !== 'lua' && args.includes(key)) saves.push(args);
    });
    await sleep(50);
    const changed = loaded.state.conversations.c7 as { marker?: string; lastTaken?: string };
    changed.marker = 'm7b';
    changed.lastTaken = 'm7b';
    delete (loaded.state.conversations.c8 as { marker?: string }).marker;
    delete loaded.state.conversations.c9;
    loaded.state.fetching.c10 = { marker: 'm10b' };
    await loaded.save(loaded.state);
    delete loaded.state.fetching.c10;
    loaded.state.conversations.c10 = { ...conversation(10), marker: 'm10b' };
    await loaded.save(loaded.state);
    loaded.release();
    await sleep(100);
    monitor.disconnect();
    const written = saves.filter((args) => args[0]?.toLowerCase() === 'evalsha');
    expect(written).toHaveLength(2);
    expect(written[0]?.filter((a) => /^[cf]:/.test(a)).sort()).toEqual([
      'c:c7',
      'c:c8',
      'c:c9',
      'f:c10',
    ]);
    expect(written[1]?.filter((a) => /^[cf]:/.test(a)).sort()).toEqual(['c:c10', 'f:c10']);
    expect(written[0]?.join('').length).toBeLessThan(1_000);

    // Read afresh by another store, the state is the one the poll held.
    const fresh = await new InboundStateStore(redis, key).load();
    expect(fresh.state).toEqual(JSON.parse(JSON.stringify(loaded.state)));
    expect(fresh.state.conversations.c9).toBeUndefined();
    expect(fresh.state.conversations.c8?.marker).toBeUndefined();
    expect(fresh.state.conversations.c10?.marker).toBe('m10b');
    expect(fresh.state.fetching).toEqual({});
    // ...and a save of the first store, which that load did not supersede, still goes through;
    // once the other store saved, it does not, and the next load reads Redis again.
    const again = await store.load();
    expect(again.state).toBe(first.state);
    fresh.state.sweptAt = 5;
    await fresh.save(fresh.state);
    await expect(again.save(again.state)).rejects.toBeInstanceOf(InboundPollSuperseded);
    again.release();
    const reread = await store.load();
    expect(reread.state).not.toBe(first.state);
    expect(reread.state.sweptAt).toBe(5);
  });

  it('pins the saved fields to the whole state over random polls', async () => {
    const redis = openInboundRedis(connection());
    closers.push(() => redis.quit());
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.array(
            fc.record({
              op: fc.constantFrom(
                'add',
                'mark',
                'unmark',
                'recover',
                'drop',
                'intend',
                'settle',
                'take',
                'ack',
                'ackSecond',
                'reorder',
              ),
              n: fc.integer({ min: 0, max: 3 }),
            }),
            { maxLength: 12 },
          ),
          { maxLength: 5 },
        ),
        async (polls) => {
          const key = `unit:property:${Math.random()}`;
          const store = new InboundStateStore(redis, key);
          for (const steps of polls) {
            const { state, save, release } = await store.load();
            for (const { op, n } of steps) {
              const k = `c${n}`;
              const c = state.conversations[k];
              if (op === 'add' && c === undefined)
                state.conversations[k] = {
                  platform: 'telegram',
                  platformId: '200',
                  destination: destination(n),
                  marker: 'm0',
                };
              else if (op === 'mark' && c !== undefined) c.marker = `m${Math.random()}`;
              else if (op === 'unmark' && c !== undefined) delete c.marker;
              else if (op === 'recover' && c !== undefined)
                c.recovered = [...(c.recovered ?? []), `r${n}`];
              else if (op === 'drop' && state.fetching[k] === undefined)
                delete state.conversations[k];
              else if (op === 'intend' && c !== undefined) state.fetching[k] = { marker: `m${n}` };
              else if (op === 'settle') delete state.fetching[k];
              else if (op === 'take')
                state.pending.push({
                  platform: 'telegram',
                  platformId: '200',
                  destination: destination(n),
                  messageId: `p${Math.random()}`,
                  message: 'hi',
                  sent: false,
                  status: 'read',
                  datetime: '2024-01-01 00:00:00',
                });
              else if (op === 'ack') state.pending = state.pending.slice(1);
              else if (op === 'ackSecond') state.pending = state.pending.filter((_, i) => i !== 1);
              else if (op === 'reorder') state.pending = [...state.pending].reverse();
              await save(state);
            }
            release();
            const fresh = await new InboundStateStore(redis, key).load();
            expect(fresh.state).toEqual(JSON.parse(JSON.stringify(state)));
          }
          await redis.del(key);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('reads a state saved whole by an earlier version, and writes it out field by field at the first save', async () => {
    const redis = openInboundRedis(connection());
    closers.push(() => redis.quit());
    const key = 'unit:legacy';
    const legacy = {
      format: 'afilnet-chat/inbound',
      version: 1,
      conversations: {
        a: { platform: 'whatsapp', platformId: '100', destination: destination(1), marker: 'x' },
        b: { platform: 'whatsapp', platformId: '100', destination: destination(2) },
      },
      fetching: { b: {} },
      pending: [],
      sweptAt: 3,
    };
    // And a field of the new layout that the earlier version's save left behind.
    await redis.hset(key, 'version', '7', 'state', JSON.stringify(legacy), 'c:gone', '{}');
    const store = new InboundStateStore(redis, key);
    const { state, save, release } = await store.load();
    expect(JSON.parse(JSON.stringify(state))).toEqual(legacy);
    // A poll that loaded the old layout and is replaced cannot write the new one.
    await redis.hset(key, 'version', '8');
    await expect(save(state)).rejects.toBeInstanceOf(InboundPollSuperseded);
    release();
    expect(await redis.hget(key, 'state')).toBe(JSON.stringify(legacy));
    const next = await store.load();
    await next.save(next.state);
    next.release();
    expect((await redis.hkeys(key)).sort()).toEqual(['c:a', 'c:b', 'f:b', 'head', 'version']);
    expect(Number.parseInt((await redis.hget(key, 'version')) as string, 10)).toBe(9);
    const fresh = await new InboundStateStore(redis, key).load();
    expect(JSON.parse(JSON.stringify(fresh.state))).toEqual(legacy);
  });

  it('chains each conversation’s jobs oldest first, answers the same when asked again, and skips a job already finished', async () => {
    const redis = openInboundRedis(connection());
    closers.push(() => redis.quit());
    const order = new ConversationOrder(
      redis,
      { tail: 'unit:tail', previous: 'unit:previous', following: 'unit:following' },
      (id) => `unit:job:${id}`,
    );
    const batch = [
      { conversation: 'c1', id: 'a' },
      { conversation: 'c1', id: 'b' },
      { conversation: 'c2', id: 'x' },
    ];
    expect(await order.chain(batch)).toEqual([undefined, 'a', undefined]);
    // A poll killed before queueing them asks again: the same answers, the chain unchanged.
    expect(await order.chain(batch)).toEqual([undefined, 'a', undefined]);
    expect(await order.chain([{ conversation: 'c1', id: 'c' }])).toEqual(['b']);
    // Finishing releases the next of the conversation, and the last one clears the tail.
    expect(await order.finish('c1', 'a')).toBe('b');
    expect(await order.finish('c1', 'b')).toBe('c');
    expect(await order.finish('c1', 'c')).toBeUndefined();
    expect(await order.finish('c1', 'c')).toBeUndefined();
    expect(await order.chain([{ conversation: 'c1', id: 'd' }])).toEqual([undefined]);
    // A message found again after its job finished and was forgotten is not queued again.
    await redis.hset('unit:job:a', 'name', 'message');
    expect(
      await order.chain([
        { conversation: 'c1', id: 'a' },
        { conversation: 'c1', id: 'e' },
      ]),
    ).toEqual(['queued', 'd']);
  });
});

describe('receiving on BullMQ in one process', () => {
  it('queues each message once, runs one conversation in order, retries a throwing handler and releases the conversation after its last attempt', async () => {
    const queueName = 'one-process';
    const client = chatClient();
    const poller: InboundPoller = await createInboundPoller({
      connection: connection(),
      queueName,
      client,
      intervalMs: 200,
      channels: [CHANNELS[0]],
      defaultJobOptions: { attempts: 2, backoff: 50 },
    });
    closers.push(() => poller.close());
    const handled: Array<{ id: string; c: string; attempt: number }> = [];
    const running = new Set<string>();
    const overlaps: string[] = [];
    const worker: Worker = createInboundWorker(
      { connection: connection(), queueName, concurrency: 8, recheckMs: 5_000 },
      async (message: ChatMessage, job) => {
        const c = job.data.conversation;
        if (running.has(c)) overlaps.push(message.messageId);
        running.add(c);
        await sleep(Math.random() * 20);
        running.delete(c);
        handled.push({ id: message.messageId, c, attempt: job.attemptsMade });
        if (message.message === 'poison') throw new Error('the handler refuses this one');
        return { handled: message.messageId };
      },
    );
    closers.push(() => worker.close());

    const injected: Array<{ id: string; d: string }> = [];
    for (let round = 0; round < 5; round++) {
      for (let n = 0; n < 6; n++) {
        const text = round === 1 && n === 0 ? 'poison' : `r${round}`;
        const m = services.sandbox.injectInbound({
          user: DEMO.user,
          ...CHANNELS[0],
          destination: destination(n),
          message: text,
        });
        injected.push({ id: m.messageId, d: destination(n) });
      }
      await sleep(150);
    }
    const poison = injected[6]?.id as string;
    await waitFor(
      async () => {
        const counts = await poller.queue.getJobCounts('completed', 'failed');
        return (counts.completed ?? 0) + (counts.failed ?? 0) === injected.length;
      },
      30_000,
      100,
    );

    expect(overlaps).toEqual([]);
    // The poison message was attempted twice, then failed for good; its conversation went on.
    expect(handled.filter((h) => h.id === poison).length).toBe(2);
    const failed = await poller.queue.getFailed();
    expect(failed.map((j) => j.id)).toEqual([inboundJobId({ ...CHANNELS[0], messageId: poison })]);
    expect(failed[0]?.failedReason).toBe('the handler refuses this one');
    // Each conversation's messages in injection order (first handling of each).
    for (let n = 0; n < 6; n++) {
      const expected = injected.filter((m) => m.d === destination(n)).map((m) => m.id);
      const seen = [
        ...new Set(
          handled.filter((h) => h.c === `whatsapp/100/${destination(n)}`).map((h) => h.id),
        ),
      ];
      expect(seen).toEqual(expected);
    }
    const completed = await poller.queue.getJob(
      inboundJobId({ ...CHANNELS[0], messageId: injected[0]?.id as string }),
    );
    expect(completed?.returnvalue).toEqual({ handled: injected[0]?.id });

    // Found again (as a recovery may find one), a queued message is not queued again: put two
    // handled messages back into the saved state's pending list, as if just taken.
    const redis = new Redis(services.redis.url);
    closers.push(async () => redis.disconnect());
    const key = poller.pollQueue.toKey('state');
    const again = injected.slice(0, 2).map(({ id, d }) => ({
      ...CHANNELS[0],
      destination: d,
      messageId: id,
      message: 'r0',
      sent: false,
      status: 'read',
      datetime: '2024-01-01 00:00:00',
    }));
    const before = handled.length;
    // Written only if no poll saved in between (the check the poller's own saves make), else
    // tried again. Each pending message is a field of the state; a new version makes the poller,
    // which keeps the state in memory between polls, read it again.
    let written = false;
    const isPending = (field: string) => field.startsWith('p:');
    for (let tries = 0; tries < 20 && !written; tries++) {
      await redis.watch(key);
      const version = (await redis.hget(key, 'version')) as string;
      written =
        (await redis
          .multi()
          .hset(
            key,
            'version',
            String(Number.parseInt(version, 10) + 1),
            ...again.flatMap((message, i) => [`p:${1_000_000 + i}`, JSON.stringify(message)]),
          )
          .exec()) !== null;
    }
    expect(written).toBe(true);
    await waitFor(async () => !(await redis.hkeys(key)).some(isPending), 10_000, 50);
    const counts = await poller.queue.getJobCounts(
      'completed',
      'failed',
      'wait',
      'delayed',
      'active',
    );
    expect(counts).toEqual({
      completed: injected.length - 1,
      failed: 1,
      wait: 0,
      delayed: 0,
      active: 0,
    });
    await sleep(300);
    expect(handled.length).toBe(before);
    // Two listeners on one account take each other's messages: this one stops here.
    await Promise.all([poller.close(), worker.close()]);
  }, 60_000);
});

interface Line {
  readonly e: 'start' | 'end' | 'poll' | 'polled' | 'poll-failed' | 'kill';
  readonly pid: number;
  readonly t: number;
  readonly id?: string;
  readonly c?: string;
  readonly sent?: boolean;
}

describe('receiving on BullMQ across processes killed at random', () => {
  it('handles every message at least once, queued once, one conversation at a time and in order; polling resumes within 15 s', async () => {
    const queueName = 'crash-inbound';
    // The account must hold only this test's messages: an earlier test may leave some unread.
    services.sandbox.reset();
    const record = join(dir, 'fleet-inbound.jsonl');
    const MESSAGES = 500;
    const CONVERSATIONS = 60;
    const intervalMs = 1_000;
    const settings = {
      baseUrl: services.sandbox.url,
      credentials: DEMO,
      redisPort: services.redis.port,
      queueName,
      record,
      intervalMs,
      concurrency: 8,
      handleMs: 150,
      // Claims of killed workers lapse within ~2 s; a waiting job checks again by itself after 2 s.
      lockDuration: 1_500,
      stalledInterval: 750,
      maxStalledCount: 100,
      recheckMs: 2_000,
    };
    const pool: FleetPool = await startFleetPool('../../scripts/inbound-fleet-worker.mjs', 3, {
      INBOUND_FLEET: JSON.stringify(settings),
    });
    closers.push(() => pool.close());
    const lines = () =>
      readFileSync(record, { encoding: 'utf8', flag: 'a+' })
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as Line);
    const kill = async (child: FleetChild) => {
      const exited = new Promise((resolve) => child.process.once('exit', resolve));
      child.process.kill('SIGKILL');
      appendFileSync(
        record,
        `${JSON.stringify({ e: 'kill', pid: child.process.pid, t: Date.now() })}\n`,
      );
      await exited;
    };
    const live = () =>
      pool.children.filter((c) => c.process.exitCode === null && c.process.signalCode === null);
    // Some answers are lost after the server marked their messages read (the next poll recovers
    // them), and some polls are slow, so that a kill can land during one.
    services.sandbox.chaos([
      {
        method: 'getunreadmessages',
        probability: 0.03,
        times: 10,
        fault: { reset: 'after-commit' },
      },
      { method: 'getchats', probability: 0.3, fault: { delayMs: 600 } },
    ]);

    const injected: Array<{ id: string; c: string }> = [];
    let injecting = true;
    const injection = (async () => {
      for (let i = 0; i < MESSAGES; i++) {
        // Conversations open over time; a few conversations get bursts.
        const n = i < CONVERSATIONS ? i : Math.floor(Math.random() * CONVERSATIONS);
        const channel = CHANNELS[n % CHANNELS.length] ?? CHANNELS[0];
        const m = services.sandbox.injectInbound({
          user: DEMO.user,
          ...channel,
          destination: destination(n, '34677'),
          message: `m${i}`,
        });
        injected.push({
          id: m.messageId,
          c: `${channel.platform}/${channel.platformId}/${destination(n, '34677')}`,
        });
        if (i % 5 === 0) await sleep(Math.random() * 250);
      }
      injecting = false;
    })();

    // Kill a random process every 1.5–3 s, every other time the one running a poll, and start a new one.
    let kills = 0;
    const pollerDeaths: number[] = [];
    while (kills < 10 && (injecting || kills < 6)) {
      await sleep(1_500 + Math.random() * 1_500);
      const alive = live();
      let victim = alive[Math.floor(Math.random() * alive.length)];
      if (kills % 2 === 0) {
        // The process running a poll (slowed by the sandbox's delays on getchats), once there is one.
        const polling = () => {
          const open = lines()
            .filter((l) => l.e === 'poll' || l.e === 'polled' || l.e === 'poll-failed')
            .at(-1);
          return open?.e === 'poll' ? live().find((c) => c.process.pid === open.pid) : undefined;
        };
        await waitFor(() => polling() !== undefined, 10_000, 20).catch(() => undefined);
        const found = polling();
        if (found !== undefined) {
          victim = found;
          pollerDeaths.push(Date.now());
        }
      }
      if (victim !== undefined) await kill(victim);
      pool.add();
      kills++;
    }
    await injection;
    const unhandled = () => {
      const ended = new Set(
        lines()
          .filter((l) => l.e === 'end')
          .map((l) => l.id),
      );
      return injected.filter((m) => !ended.has(m.id));
    };
    const queue = new Queue(queueName, { connection: connection() });
    closers.push(() => queue.close());
    const jobIdOf = (m: { id: string; c: string }) => {
      const [platform, platformId] = m.c.split('/');
      return inboundJobId({
        platform: platform as string,
        platformId: platformId as string,
        messageId: m.id,
      });
    };
    await waitFor(() => unhandled().length === 0, 60_000, 250).catch(async () => {
      const missing = await Promise.all(
        unhandled().map(async (m) => {
          const job = await queue.getJob(jobIdOf(m));
          return `${m.id} ${m.c} ${await queue.getJobState(jobIdOf(m))} after ${JSON.stringify(job?.data.previous)}`;
        }),
      );
      expect.fail(`not handled: ${missing.join('; ')}`);
    });
    // And a poll after the last death of a polling process (bounded: the assertion below says by how much).
    const lastDeath = pollerDeaths.at(-1) ?? 0;
    await waitFor(() => lines().some((l) => l.e === 'poll' && l.t > lastDeath), 20_000, 100).catch(
      () => undefined,
    );
    services.sandbox.chaos([]);
    await pool.close();

    const all = lines();
    const killedAt = new Map(all.filter((l) => l.e === 'kill').map((l) => [l.pid, l.t]));
    const handled = all.filter((l) => l.e === 'start' || l.e === 'end');
    expect(handled.every((l) => l.e !== 'start' || l.sent === false)).toBe(true);
    // Every message handled, nothing else.
    expect(new Set(handled.filter((l) => l.e === 'end').map((l) => l.id))).toEqual(
      new Set(injected.map((m) => m.id)),
    );

    // Queued once: one job per message, under its derived id, and no other job.
    const counts = await queue.getJobCounts(
      'completed',
      'failed',
      'wait',
      'delayed',
      'active',
      'prioritized',
      'waiting-children',
    );
    expect(counts.completed).toBe(injected.length);
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(injected.length);
    const jobs = await queue.getCompleted(0, -1);
    expect(new Set(jobs.map((j) => j.id))).toEqual(new Set(injected.map(jobIdOf)));
    // A handler ran twice only when a process was killed during or just after it.
    const runsOf = new Map<string, Line[]>();
    for (const l of handled)
      if (l.e === 'start') runsOf.set(l.id as string, [...(runsOf.get(l.id as string) ?? []), l]);
    const repeated = [...runsOf].filter(([, runs]) => runs.length > 1);
    for (const [id, runs] of repeated) {
      expect(
        runs.slice(0, -1).every((r) => killedAt.has(r.pid)),
        `message ${id} run again without a kill`,
      ).toBe(true);
    }

    // Per conversation: never two handlers at once (a killed process's run ends with its kill),
    // and each message starts only after the previous one's last run ended.
    const violations: string[] = [];
    const open = new Map<string, Set<string>>();
    const lastEnd = new Map<string, number>();
    const firstStart = new Map<string, number>();
    for (const [index, l] of all.entries()) {
      if (l.e === 'kill') {
        for (const [c, runs] of open)
          for (const run of runs)
            if (run.startsWith(`${l.pid} `)) {
              runs.delete(run);
              open.set(c, runs);
            }
        continue;
      }
      if (l.e !== 'start' && l.e !== 'end') continue;
      const c = l.c as string;
      const runs = open.get(c) ?? new Set<string>();
      if (l.e === 'start') {
        if (runs.size > 0)
          violations.push(`${c}: ${l.id} started while ${[...runs].join(', ')} ran`);
        runs.add(`${l.pid} ${l.id}`);
        if (!firstStart.has(l.id as string)) firstStart.set(l.id as string, index);
      } else {
        runs.delete(`${l.pid} ${l.id}`);
        lastEnd.set(l.id as string, index);
      }
      open.set(c, runs);
    }
    for (const c of new Set(injected.map((m) => m.c))) {
      const ids = injected.filter((m) => m.c === c).map((m) => m.id);
      for (let i = 1; i < ids.length; i++) {
        const previous = lastEnd.get(ids[i - 1] as string) ?? Infinity;
        if ((firstStart.get(ids[i] as string) ?? -1) < previous)
          violations.push(`${c}: ${ids[i]} started before ${ids[i - 1]} ended`);
      }
    }
    expect(violations).toEqual([]);

    // Polling resumed within 15 s of each death of the process running a poll.
    const pollStarts = all.filter((l) => l.e === 'poll').map((l) => l.t);
    const resumedAfter = pollerDeaths.map((t) => (pollStarts.find((s) => s > t) ?? Infinity) - t);
    expect(pollerDeaths.length).toBeGreaterThanOrEqual(1);
    expect(Math.max(...resumedAfter)).toBeLessThanOrEqual(15_000);
    const gaps = pollStarts.slice(1).map((t, i) => t - (pollStarts[i] as number));
    expect(Math.max(...gaps)).toBeLessThanOrEqual(15_000);
    const lost = services.sandbox
      .requests({ method: 'getunreadmessages' })
      .filter((r) => r.chaos !== undefined).length;
    console.log(
      `fleet inbound crash: ${injected.length} messages over ${new Set(injected.map((m) => m.c)).size} conversations, ${kills} kills (${pollerDeaths.length} of the polling process), ` +
        `polling resumed after ${resumedAfter.map((ms) => `${(ms / 1000).toFixed(1)} s`).join(', ')}, longest gap between polls ${(Math.max(...gaps) / 1000).toFixed(1)} s, ` +
        `${repeated.length} handlers run again, ${lost} lost answers`,
    );
  }, 150_000);
});
