/**
 * The shared-token guarantees (docs/behaviour.md#fleet), proven with real processes, a real Redis and the sandbox:
 * eight processes of 50 concurrent calls make one token request between them; refreshes stay at
 * one per token lifetime; a lock holder killed mid-request (the sandbox's chaos rule stalls its
 * token request) frees the lock within its expiry; a dead or paused Redis fails no call; and
 * nothing in Redis holds a secret or, encrypted, the token. The lock's scripts travel as their
 * hash (EVALSHA) once a connection has them, and again in full after Redis forgot them.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChatClient, type ChatClient } from '@afilnet-chat/core';
import { startSandbox, type Sandbox } from '@afilnet-chat/sandbox';
import { createRedisTokenStore } from '@afilnet-chat/token-store-redis';
import { createTokenCodec } from '../packages/token-store-redis/src/token-cipher.js';
import { DEMO as DEMO_ACCOUNT } from './support/account.js';
import { startMisbehavingServer } from './support/misbehaving-server.js';
import { secretNeedles } from './support/secret-needles.js';
import { startFleetPool, type FleetChild, type FleetPool } from './support/fleet-pool.js';
import { startRedisServer, type RedisServer } from '../scripts/redis-server.mjs';
import { waitFor } from './support/wait-for.js';

const CREDENTIALS = { user: 'fleet.leak@example.com', password: 'fl33t-P@ss+word/=&<x' };
const ACCOUNT = {
  ...CREDENTIALS,
  channels: [{ platform: 'whatsapp' as const, platformId: '100', name: 'Fleet' }],
};
const CHILDREN = 8;

/** A sandbox with the fleet's account; `tokenLifetimeSeconds` as given. */
function sandboxFor(tokenLifetimeSeconds?: number): Promise<Sandbox> {
  return startSandbox({
    accounts: [ACCOUNT],
    ...(tokenLifetimeSeconds === undefined ? {} : { tokenLifetimeSeconds }),
  });
}

/** Token requests the sandbox has answered (or dropped) so far. */
function tokenRequests(sandbox: Sandbox): number {
  return sandbox.requests({ method: 'token' }).length;
}

interface Task {
  readonly redisUrl: string;
  readonly baseUrl: string;
  readonly prefix: string;
  readonly calls: number;
  readonly timeoutMs: number;
  readonly encryptionKeyHex?: string;
  readonly lockTtlMs?: number;
  /** The store's Redis deadline: the single-flight tests raise it so that a loaded machine does not count as Redis down. */
  readonly redisTimeoutMs?: number;
  readonly durationMs?: number;
  readonly intervalMs?: number;
  readonly waitForGo?: boolean;
}

interface Outcome {
  readonly ok: number;
  readonly failed: string[];
  readonly maxMs: number;
  readonly pong: string;
}

let nextId = 0;
/** Starts `task` on `child`; resolves once its client is connected, with a way to await the end. */
async function start(
  child: FleetChild,
  task: Task,
): Promise<{ go(): void; done: Promise<Outcome> }> {
  const id = nextId++;
  child.send({ type: 'run', id, credentials: CREDENTIALS, ...task });
  const done = child.next('done', id) as Promise<unknown> as Promise<Outcome>;
  done.catch(() => undefined);
  await child.next('connected', id);
  return { go: () => child.send({ type: 'go' }), done };
}

/** The token the store under `prefix` holds for its one client, decrypted with `key`. */
async function storedToken(
  redis: Redis,
  prefix: string,
  key: Buffer,
): Promise<{ accessToken: string } | undefined> {
  const [tokenKey] = await redis.keys(`${prefix}token:*`);
  const sealed = tokenKey === undefined ? null : await redis.get(tokenKey);
  return tokenKey !== undefined && sealed !== null
    ? createTokenCodec(key).decode(tokenKey, sealed)
    : undefined;
}

/** Starts `task` on every child, lets them all go at once, and resolves with their outcomes. */
async function runTogether(children: readonly FleetChild[], task: Task): Promise<Outcome[]> {
  const runs = await Promise.all(children.map((c) => start(c, { ...task, waitForGo: true })));
  for (const run of runs) run.go();
  return Promise.all(runs.map((r) => r.done));
}

async function allKeysAndValues(redis: Redis, prefix: string): Promise<string[]> {
  const keys = await redis.keys(`${prefix}*`);
  const values = await Promise.all(keys.map((k) => redis.get(k)));
  return [...keys, ...values.map((v) => v ?? '')];
}

describe('Redis token store across processes', () => {
  let redisServer: RedisServer;
  let redis: Redis;
  let pool: FleetPool;
  const sandboxes: Sandbox[] = [];

  beforeAll(async () => {
    [redisServer, pool] = await Promise.all([
      startRedisServer(),
      startFleetPool('./fleet-token-child.mjs', CHILDREN),
    ]);
    redis = new Redis(redisServer.url);
  }, 60_000);
  afterAll(async () => {
    redis?.disconnect();
    await Promise.all([pool?.close(), redisServer?.stop(), ...sandboxes.map((s) => s.close())]);
  });

  async function sandbox(tokenLifetimeSeconds?: number): Promise<Sandbox> {
    const started = await sandboxFor(tokenLifetimeSeconds);
    sandboxes.push(started);
    return started;
  }

  it('8 processes × 50 concurrent calls with a cold cache make exactly one token request, and Redis holds no secret', async () => {
    const api = await sandbox();
    const prefix = 'cold:';
    const encryptionKeyHex = randomBytes(32).toString('hex');
    const outcomes = await runTogether(pool.children, {
      redisUrl: redisServer.url,
      baseUrl: api.url,
      prefix,
      calls: 50,
      timeoutMs: 10_000,
      redisTimeoutMs: 2_000,
      encryptionKeyHex,
    });
    expect(outcomes.map((o) => o.failed)).toEqual(Array.from({ length: CHILDREN }, () => []));
    expect(outcomes.reduce((sum, o) => sum + o.ok, 0)).toBe(CHILDREN * 50);
    expect(tokenRequests(api)).toBe(1);
    expect(api.requests({ method: 'getchatchannels' })).toHaveLength(CHILDREN * 50);
    // Closing a client never closes the user's Redis connection.
    expect(outcomes.map((o) => o.pong)).toEqual(Array.from({ length: CHILDREN }, () => 'PONG'));

    // The token, read back with the key: the one the sandbox issued, found nowhere else in Redis.
    const token = await storedToken(redis, prefix, Buffer.from(encryptionKeyHex, 'hex'));
    expect(token?.accessToken.length).toBeGreaterThan(10);
    const stored = await allKeysAndValues(redis, prefix);
    const needles = secretNeedles({
      user: CREDENTIALS.user,
      passwords: [CREDENTIALS.password],
      tokens: [token?.accessToken ?? ''],
    });
    for (const text of stored)
      for (const needle of needles) expect(text, needle.label).not.toContain(needle.value);
    expect(stored.join('\n')).not.toContain(CREDENTIALS.user);
  }, 60_000);

  it('keeps to one token request per token lifetime over two lifetimes', async () => {
    // A 10 s token (the shortest lifetime the client takes) is used for 5 s, half its lifetime.
    const api = await sandbox(10);
    const usableMs = 5_000;
    const durationMs = 2 * usableMs + 400;
    const outcomes = await runTogether(pool.children, {
      redisUrl: redisServer.url,
      baseUrl: api.url,
      prefix: 'lifetimes:',
      calls: 5,
      timeoutMs: 10_000,
      redisTimeoutMs: 2_000,
      durationMs,
      intervalMs: 50,
    });
    expect(outcomes.flatMap((o) => o.failed)).toEqual([]);
    // Lifetimes started: at 0, ~5 s and ~10 s.
    expect(tokenRequests(api)).toBeGreaterThanOrEqual(2);
    expect(tokenRequests(api)).toBeLessThanOrEqual(Math.floor(durationMs / usableMs) + 1);
  }, 60_000);

  it('when the lock holder is killed mid-request, the others get a token within the lock expiry', async () => {
    const lockTtlMs = 1_500;
    const api = await sandbox();
    // The first token request gets no answer: its process dies holding the lock.
    api.chaos([{ method: 'token', times: 1, fault: { delayMs: 30_000 } }]);
    const prefix = 'holder-killed:';
    const base = {
      redisUrl: redisServer.url,
      baseUrl: api.url,
      prefix,
      calls: 10,
      timeoutMs: 15_000,
      lockTtlMs,
      redisTimeoutMs: 2_000,
    };
    const [holder, ...others] = pool.children as [FleetChild, ...FleetChild[]];
    const held = await start(holder, { ...base, calls: 1 });
    held.done.catch(() => undefined);
    // The holder has the lock once its key exists; its token request is then on its way.
    const until = Date.now() + 5_000;
    while ((await redis.keys(`${prefix}lock:*`)).length === 0 && Date.now() < until)
      await new Promise((r) => setTimeout(r, 10));
    expect(await redis.keys(`${prefix}lock:*`)).toHaveLength(1);

    const runs = await Promise.all(others.map((c) => start(c, { ...base, waitForGo: true })));
    for (const run of runs) run.go();
    await new Promise((r) => setTimeout(r, 200));
    const killedAt = performance.now();
    holder.process.kill('SIGKILL');
    const outcomes = await Promise.all(runs.map((r) => r.done));
    const elapsed = performance.now() - killedAt;
    expect(outcomes.flatMap((o) => o.failed)).toEqual([]);
    // The lock expires at most lockTtlMs after the kill; then one token request and the calls.
    expect(elapsed).toBeLessThan(lockTtlMs + 2_000);
    // The stalled request (logged once its connection closed) and the one after the lock expired.
    expect(tokenRequests(api)).toBe(2);
  }, 60_000);
});

describe.each(['killed', 'paused'] as const)('Redis %s', (fault) => {
  let redisServer: RedisServer;
  let pool: FleetPool;
  let api: Sandbox;

  beforeAll(async () => {
    [redisServer, pool, api] = await Promise.all([
      startRedisServer(),
      startFleetPool('./fleet-token-child.mjs', 2),
      sandboxFor(),
    ]);
  }, 60_000);
  afterAll(async () => {
    redisServer?.signal('SIGCONT');
    await Promise.all([pool?.close(), redisServer?.stop(), api?.close()]);
  });

  it('fails no call: each process fetches its own token within the call deadline', async () => {
    const timeoutMs = 5_000;
    const task = {
      redisUrl: redisServer.url,
      baseUrl: api.url,
      prefix: `${fault}:`,
      calls: 20,
      timeoutMs,
      waitForGo: true,
    };
    const runs = await Promise.all(pool.children.map((c) => start(c, task)));
    if (fault === 'killed') await redisServer.stop();
    else redisServer.signal('SIGSTOP');
    for (const run of runs) run.go();
    const outcomes = await Promise.all(runs.map((r) => r.done));
    expect(outcomes.flatMap((o) => o.failed)).toEqual([]);
    // Each call resolved before its client's deadline fired (a later one fails with TIMEOUT).
    expect(outcomes.reduce((sum, o) => sum + o.ok, 0)).toBe(40);
    // Without Redis each process asks for its own token, once.
    expect(tokenRequests(api)).toBe(2);
  }, 60_000);
});

describe('one Redis token store, clients of different trust', () => {
  let redisServer: RedisServer;
  let redis: Redis;
  let api: Sandbox;
  const open: ChatClient[] = [];

  beforeAll(async () => {
    [redisServer, api] = await Promise.all([startRedisServer(), sandboxFor()]);
    redis = new Redis(redisServer.url);
  }, 60_000);
  afterAll(async () => {
    await Promise.all(open.splice(0).map((c) => c.close()));
    redis?.disconnect();
    await Promise.all([redisServer?.stop(), api?.close()]);
  });

  function connect(
    tokenStore: ReturnType<typeof createRedisTokenStore>,
    options: {
      user?: string;
      password?: string;
      baseUrl?: string;
      tokenUrl?: string;
      timeoutMs?: number;
    } = {},
  ): ChatClient {
    const chat = createChatClient({
      transport: 'json-oauth',
      baseUrl: options.baseUrl ?? api.url,
      credentials: {
        user: options.user ?? CREDENTIALS.user,
        password: options.password ?? CREDENTIALS.password,
      },
      oauth: {
        tokenStore,
        ...(options.tokenUrl === undefined ? {} : { tokenUrl: options.tokenUrl }),
      },
      allowInsecureHttp: true,
      timeoutMs: options.timeoutMs ?? 10_000,
      retry: false,
    });
    open.push(chat);
    return chat;
  }

  /** A store under `prefix` on the suite's Redis, encrypting with a key of its own unless given. */
  function storeIn(
    prefix: string,
    options: { encryptionKey?: Buffer; lockTtlMs?: number } = {},
  ): ReturnType<typeof createRedisTokenStore> {
    return createRedisTokenStore({
      redis,
      keyPrefix: prefix,
      encryptionKey: options.encryptionKey ?? randomBytes(32),
      timeoutMs: 2_000,
      ...(options.lockTtlMs === undefined ? {} : { lockTtlMs: options.lockTtlMs }),
    });
  }

  /** Makes five `call`s at once; resolves with each one's outcome: `fulfilled` or its error code. */
  async function fiveAtOnce(call: () => Promise<unknown>): Promise<string[]> {
    const outcomes = await Promise.allSettled(Array.from({ length: 5 }, call));
    return outcomes.map((o) =>
      o.status === 'rejected' ? String((o.reason as { code?: string }).code) : 'fulfilled',
    );
  }
  const FIVE_FULFILLED = Array.from({ length: 5 }, () => 'fulfilled');

  it('never lets a client with a wrong password use the token of the right one', async () => {
    const tokenStore = storeIn('wrong-password:');
    await expect(connect(tokenStore).getChatChannels()).resolves.toHaveLength(1);
    const before = tokenRequests(api);
    await expect(
      connect(tokenStore, { password: 'not-the-password' }).getChatChannels(),
    ).rejects.toMatchObject({ code: 'INCORRECT_USER_PASSWORD' });
    expect(tokenRequests(api)).toBe(before + 1);
    expect(
      api.requests({ method: 'getchatchannels' }).filter((r) => r.status === 200),
    ).toHaveLength(1);
  }, 30_000);

  it('never sends a token to another API origin that names the same token endpoint', async () => {
    const prefix = 'origin:';
    const encryptionKey = randomBytes(32);
    const tokenStore = storeIn(prefix, { encryptionKey });
    const tokenUrl = `${api.url}/api/oauth/token`;
    await connect(tokenStore, { tokenUrl }).getChatChannels();
    const stored = await storedToken(redis, prefix, encryptionKey);
    expect(stored?.accessToken.length).toBeGreaterThan(10);

    const elsewhere = await startMisbehavingServer(({ res }) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"status":"success","result":[]}');
    });
    try {
      const before = tokenRequests(api);
      await connect(tokenStore, { baseUrl: elsewhere.url, tokenUrl }).getChatChannels();
      // Its own token, from the shared token endpoint: never the one obtained for the first API.
      expect(tokenRequests(api)).toBe(before + 1);
      const sent = elsewhere.stats.requests.map((r) => r.headers.authorization);
      expect(sent).toHaveLength(1);
      expect(sent[0]).toMatch(/^Bearer /);
      expect(sent[0]).not.toBe(`Bearer ${stored?.accessToken}`);
    } finally {
      await elsewhere.close();
    }
  }, 30_000);

  it('ignores a value moved from another key or altered: the client fetches its own token', async () => {
    const prefix = 'substituted:';
    const encryptionKey = randomBytes(32);
    const store = () => storeIn(prefix, { encryptionKey });
    const demo = { ...CREDENTIALS, ...DEMO_ACCOUNT };
    // The victim's and another account's tokens, each under its own key.
    await expect(connect(store()).getChatChannels()).resolves.toHaveLength(1);
    const victimKeys = await redis.keys(`${prefix}token:*`);
    await expect(connect(store(), demo).getChatChannels()).resolves.toHaveLength(4);
    const victimKey = victimKeys[0] as string;
    const otherKey = (await redis.keys(`${prefix}token:*`)).find((k) => k !== victimKey) as string;
    const otherValue = (await redis.get(otherKey)) as string;
    const victimValue = (await redis.get(victimKey)) as string;

    for (const planted of [
      otherValue,
      `${victimValue.slice(0, -6)}${victimValue.slice(-6) === 'AAAAAA' ? 'BBBBBB' : 'AAAAAA'}`,
    ]) {
      await redis.set(victimKey, planted, 'PX', 60_000);
      const before = tokenRequests(api);
      // A new client of the victim: its own channels, with a token of its own.
      await expect(connect(store()).getChatChannels()).resolves.toEqual([
        { platform: 'whatsapp', platformId: '100', name: 'Fleet' },
      ]);
      expect(tokenRequests(api)).toBe(before + 1);
    }
  }, 30_000);

  it('with an encryption key, names Redis keys by a keyed hash that another key cannot reproduce', async () => {
    const prefix = 'keyed-names:';
    await connect(storeIn(prefix)).getChatChannels();
    await connect(storeIn(prefix)).getChatChannels();
    // The same client, the same store key: only the encryption key differs, and so do the names.
    expect(await redis.keys(`${prefix}token:*`)).toHaveLength(2);
  }, 30_000);

  /** Commands Redis has processed so far (INFO counts itself once). */
  async function commandsProcessed(): Promise<number> {
    const info = await redis.info('stats');
    return Number(/total_commands_processed:(\d+)/.exec(info)?.[1]);
  }

  /**
   * A client of the fleet account, with `timeoutMs`, whose store under `prefix` has lost its token
   * and finds the lock pinned by someone else: with no TTL, or held for `px` ms (the store's own
   * lock TTL then too).
   */
  async function behindPinnedLock(
    prefix: string,
    timeoutMs: number,
    px?: number,
  ): Promise<ChatClient> {
    const tokenStore = storeIn(prefix, px === undefined ? {} : { lockTtlMs: px });
    await connect(tokenStore).getChatChannels();
    const [tokenKey] = await redis.keys(`${prefix}token:*`);
    expect(tokenKey).toBeDefined();
    await redis.del(tokenKey as string);
    const lockKey = (tokenKey as string).replace(`${prefix}token:`, `${prefix}lock:`);
    if (px === undefined) await redis.set(lockKey, 'pinned-by-someone');
    else await redis.set(lockKey, 'pinned-by-someone', 'PX', px);
    return connect(tokenStore, { timeoutMs });
  }

  /** Expects Redis to receive no command for a second (the probe's own INFO aside). */
  async function expectRedisQuiet(): Promise<void> {
    // A release or a last poll may still be on its way: let it land, then listen.
    await new Promise((r) => setTimeout(r, 300));
    const before = await commandsProcessed();
    await new Promise((r) => setTimeout(r, 1_000));
    expect((await commandsProcessed()) - before).toBeLessThanOrEqual(1);
  }

  it('a lock pinned without TTL fails no call and leaves nothing polling Redis', async () => {
    const chat = await behindPinnedLock('pinned:', 4_000);
    expect(await fiveAtOnce(() => chat.getChatChannels())).toEqual(FIVE_FULFILLED);
    await expectRedisQuiet();
  }, 30_000);

  it('waits for a lock held for minutes no longer than half the call deadline, then fetches its own token', async () => {
    const chat = await behindPinnedLock('held-long:', 4_000, 600_000);
    const started = performance.now();
    expect(await fiveAtOnce(() => chat.getChatChannels())).toEqual(FIVE_FULFILLED);
    // Half of 4 s spent waiting, then one token request and the calls.
    expect(performance.now() - started).toBeGreaterThanOrEqual(1_900);
    await expectRedisQuiet();
  }, 30_000);

  it('stops waiting for a held lock when the call is aborted, leaving nothing polling Redis', async () => {
    const chat = await behindPinnedLock('aborted-wait:', 60_000, 600_000);
    expect(
      await fiveAtOnce(() => chat.getChatChannels({ signal: AbortSignal.timeout(300) })),
    ).toEqual(Array.from({ length: 5 }, () => 'ABORTED'));
    await expectRedisQuiet();
  }, 30_000);
});

describe("the lock's scripts on the user's connection", () => {
  let redisServer: RedisServer;
  let redis: Redis;
  let observer: Redis;

  beforeAll(async () => {
    redisServer = await startRedisServer();
    [redis, observer] = [new Redis(redisServer.url), new Redis(redisServer.url)];
  }, 60_000);
  afterAll(async () => {
    redis?.disconnect();
    observer?.disconnect();
    await redisServer?.stop();
  });

  /** EVAL and EVALSHA calls Redis has counted since the last reset. */
  async function scriptCalls(): Promise<{ eval: number; evalsha: number }> {
    const info = await observer.info('commandstats');
    const calls = (name: string) =>
      Number(new RegExp(`^cmdstat_${name}:calls=(\\d+)`, 'm').exec(info)?.[1] ?? 0);
    return { eval: calls('eval'), evalsha: calls('evalsha') };
  }

  /** Takes and releases the lock of `key` once; resolves once Redis has run the release. */
  async function lockOnce(
    store: ReturnType<typeof createRedisTokenStore>,
    key: string,
  ): Promise<void> {
    await expect(store.lock?.(key, async () => 'held')).resolves.toBe('held');
    // The release is not awaited by the store: wait until its key is gone.
    await waitFor(async () => (await observer.keys('scripts:lock:*')).length === 0, 10_000);
  }

  it('sends each script once per connection, then only its hash, and sends it again after SCRIPT FLUSH', async () => {
    const options = {
      redis,
      keyPrefix: 'scripts:',
      encryptionKey: randomBytes(32),
      timeoutMs: 2_000,
    };
    const store = createRedisTokenStore(options);
    await observer.config('RESETSTAT');
    await lockOnce(store, 'one');
    // First use on this socket: the acquire and release scripts' bodies.
    expect(await scriptCalls()).toEqual({ eval: 2, evalsha: 0 });

    // A second store on the same connection defines nothing anew: still only hashes.
    const second = createRedisTokenStore(options);
    await observer.config('RESETSTAT');
    await lockOnce(store, 'two');
    await lockOnce(second, 'three');
    expect(await scriptCalls()).toEqual({ eval: 0, evalsha: 4 });
    const defined = Object.keys(redis).filter((name) => /^afilnetChat/.test(name));
    expect(defined).toHaveLength(6); // three scripts, each with its Buffer variant

    // Redis forgot the scripts: the hash is refused (NOSCRIPT) and the body sent again.
    await observer.script('FLUSH');
    await observer.config('RESETSTAT');
    await lockOnce(store, 'four');
    expect(await scriptCalls()).toEqual({ eval: 2, evalsha: 2 });
    await observer.config('RESETSTAT');
    await lockOnce(second, 'five');
    expect(await scriptCalls()).toEqual({ eval: 0, evalsha: 2 });
  }, 30_000);
});
