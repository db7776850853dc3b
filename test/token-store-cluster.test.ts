/**
 * The shared token store on a real Redis Cluster (three masters from Debian's redis-server): the
 * store accepts ioredis's `Cluster` as it accepts `Redis`, so clients sharing it make one token
 * request between them, the lock's scripts travel as their hash (EVALSHA) once a node has them,
 * and nothing in any node holds the secret or, encrypted, the token.
 */
import { randomBytes } from 'node:crypto';
import { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChatClient, createChatClient } from '@afilnet-chat/core';
import { startSandbox, type Sandbox } from '@afilnet-chat/sandbox';
import { createRedisTokenStore } from '@afilnet-chat/token-store-redis';
import { type RedisCluster, startRedisCluster } from '../scripts/redis-server.mjs';

const CREDENTIALS = { user: 'cluster.user@example.com', password: 'cl4ster-P@ss+word/=&<x' };
const ACCOUNT = {
  ...CREDENTIALS,
  channels: [{ platform: 'whatsapp' as const, platformId: '300', name: 'Cluster' }],
};

let cluster: RedisCluster;
let api: Sandbox;
let redis: Cluster;
const open: ChatClient[] = [];

beforeAll(async () => {
  [cluster, api] = await Promise.all([startRedisCluster(3), startSandbox({ accounts: [ACCOUNT] })]);
  redis = new Cluster(cluster.nodes.map(({ host, port }) => ({ host, port })));
  await redis.ping();
}, 120_000);

afterAll(async () => {
  await Promise.all(open.map((chat) => chat.close()));
  redis?.disconnect();
  await Promise.all([cluster?.stop(), api?.close()]);
});

function connect(tokenStore: ReturnType<typeof createRedisTokenStore>): ChatClient {
  const chat = createChatClient({
    transport: 'json-oauth',
    baseUrl: api.url,
    credentials: CREDENTIALS,
    oauth: { tokenStore },
    allowInsecureHttp: true,
    timeoutMs: 20_000,
    retry: false,
  });
  open.push(chat);
  return chat;
}

/** Every master in turn, on a connection of its own. */
async function eachNode<T>(run: (node: Redis) => Promise<T>): Promise<T[]> {
  return Promise.all(
    cluster.nodes.map(async ({ host, port }) => {
      const node = new Redis({ host, port });
      try {
        return await run(node);
      } finally {
        node.disconnect();
      }
    }),
  );
}

/** EVAL and EVALSHA calls counted by all masters since their last reset. */
async function scriptCalls(): Promise<{ eval: number; evalsha: number }> {
  const infos = await eachNode((node) => node.info('commandstats'));
  const calls = (name: string) =>
    infos.reduce(
      (sum, info) =>
        sum + Number(new RegExp(`^cmdstat_${name}:calls=(\\d+)`, 'm').exec(info)?.[1] ?? 0),
      0,
    );
  return { eval: calls('eval'), evalsha: calls('evalsha') };
}

describe('the Redis token store on a Redis Cluster', () => {
  const encryptionKey = randomBytes(32);
  const store = () =>
    createRedisTokenStore({ redis, keyPrefix: 'cluster:', encryptionKey, timeoutMs: 5_000 });

  it('shares one token among clients, and stores neither the user nor the password', async () => {
    const clients = Array.from({ length: 4 }, () => connect(store()));
    const results = await Promise.all(
      clients.flatMap((chat) => Array.from({ length: 10 }, () => chat.getChatChannels())),
    );
    expect(results).toHaveLength(40);
    for (const channels of results)
      expect(channels).toEqual([{ platform: 'whatsapp', platformId: '300', name: 'Cluster' }]);
    expect(api.requests({ method: 'token' })).toHaveLength(1);

    const stored = (
      await eachNode(async (node) => {
        const pairs: string[] = [];
        for (const key of await node.keys('*')) pairs.push(key, String(await node.get(key)));
        return pairs;
      })
    ).flat();
    expect(stored.length).toBeGreaterThan(0);
    const everything = stored.join('\n');
    expect(everything).not.toContain(CREDENTIALS.password);
    expect(everything).not.toContain(CREDENTIALS.user);
  }, 120_000);

  it("sends each lock script's body once per node, then only its hash", async () => {
    const first = store();
    const keys = Array.from({ length: 12 }, (_, i) => `lock-${i}`);
    const lockAll = async (tokenStore: ReturnType<typeof createRedisTokenStore>) => {
      for (const key of keys)
        await expect(tokenStore.lock?.(key, async () => key)).resolves.toBe(key);
      // The release is not awaited by the store: wait until every lock key is gone.
      const deadline = Date.now() + 10_000;
      while ((await eachNode((node) => node.keys('cluster:lock:*'))).flat().length > 0) {
        if (Date.now() > deadline) throw new Error('the locks were not released within 10 s');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    await lockAll(first);
    // Twelve keys spread over the slots: every node has run both scripts by now.
    await eachNode((node) => node.config('RESETSTAT'));
    await lockAll(first);
    await lockAll(store());
    expect(await scriptCalls()).toEqual({ eval: 0, evalsha: keys.length * 2 * 2 });
  }, 120_000);
});
