/**
 * The services a fleet suite runs against, one set per test file: a real Redis
 * (scripts/redis-server.mjs) and the sandbox, started before the file's tests and stopped after
 * them, once everything the file registered in `closers` is closed.
 */
import { afterAll, beforeAll } from 'vitest';
import { startSandbox, type Sandbox } from '@afilnet-chat/sandbox';
import { startRedisServer, type RedisServer } from '../../scripts/redis-server.mjs';

/** What {@link useFleetServices} gives a test file. */
export interface FleetServices {
  /** The running Redis (from the file's `beforeAll` on). */
  readonly redis: RedisServer;
  /** The running sandbox (from the file's `beforeAll` on). */
  readonly sandbox: Sandbox;
  /** Closed last registered first, errors ignored, before Redis and the sandbox stop. */
  readonly closers: Array<() => Promise<unknown>>;
  /** ioredis options for the Redis, as BullMQ's workers need them (no retry limit per request). */
  connection(): { host: string; port: number; maxRetriesPerRequest: null };
}

/** Registers the file's `beforeAll`/`afterAll` for Redis and the sandbox. */
export function useFleetServices(): FleetServices {
  let redis: RedisServer | undefined;
  let sandbox: Sandbox | undefined;
  const closers: Array<() => Promise<unknown>> = [];

  beforeAll(async () => {
    [redis, sandbox] = await Promise.all([startRedisServer(), startSandbox()]);
  }, 60_000);
  afterAll(async () => {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    await Promise.all([redis?.stop(), sandbox?.close()]);
  });

  const services: FleetServices = {
    get redis(): RedisServer {
      if (redis === undefined) throw new Error('Redis starts in beforeAll');
      return redis;
    },
    get sandbox(): Sandbox {
      if (sandbox === undefined) throw new Error('the sandbox starts in beforeAll');
      return sandbox;
    },
    closers,
    connection: () => ({
      host: '127.0.0.1',
      port: services.redis.port,
      maxRetriesPerRequest: null,
    }),
  };
  return services;
}
