// One process of a fleet sharing OAuth tokens through Redis (test/fleet-token-store.test.ts).
// It loads the built packages, says `ready`, then runs the calls the parent asks for over IPC
// and answers how they went. It never decides anything: the parent asserts.
import { createChatClient } from '@afilnet-chat/core';
import { createRedisTokenStore } from '@afilnet-chat/token-store-redis';
import { createJsonOAuthTransport } from '@afilnet-chat/transport-json-oauth';
import { Redis } from 'ioredis';

process.on('disconnect', () => process.exit(0));

async function timedCall(chat) {
  const started = performance.now();
  try {
    await chat.getChatChannels();
    return { ok: true, ms: performance.now() - started };
  } catch (error) {
    return { ok: false, ms: performance.now() - started, code: error?.code ?? String(error) };
  }
}

async function run(task) {
  const redis = new Redis(task.redisUrl, { lazyConnect: false });
  // A user's connection logs its errors; Redis going away must not crash the process.
  redis.on('error', () => undefined);
  await new Promise((resolve) =>
    redis.status === 'ready' ? resolve() : redis.once('ready', resolve),
  );
  const tokenStore = createRedisTokenStore({
    redis,
    keyPrefix: task.prefix,
    // Without a key the tests accept plain values: their Redis is their own.
    ...(task.encryptionKeyHex
      ? { encryptionKey: Buffer.from(task.encryptionKeyHex, 'hex') }
      : { allowUnauthenticated: true }),
    ...(task.lockTtlMs ? { lockTtlMs: task.lockTtlMs } : {}),
    ...(task.redisTimeoutMs ? { timeoutMs: task.redisTimeoutMs } : {}),
  });
  // Built by hand, as a server does at start-up: the transport computes the secret's slow
  // fingerprint (its store key) now, so the timed calls measure token sharing, not scrypt.
  const transport = createJsonOAuthTransport({
    baseUrl: task.baseUrl,
    credentials: task.credentials,
    oauth: { tokenStore },
    allowInsecureHttp: true,
  });
  const chat = createChatClient({
    transport,
    credentials: task.credentials,
    allowInsecureHttp: true,
    timeoutMs: task.timeoutMs,
  });
  process.send({ type: 'connected', id: task.id });
  if (task.waitForGo) await new Promise((resolve) => process.once('message', resolve));
  const results = [];
  let started = performance.now();
  let first = true;
  do {
    const round = Array.from({ length: task.calls }, () => timedCall(chat));
    results.push(...(await Promise.all(round)));
    // Lifetimes count from the first token: the first round may still wait for the secret's
    // fingerprint on a loaded machine, which would otherwise eat into the duration.
    if (first) started = performance.now();
    first = false;
    if (task.durationMs) await new Promise((resolve) => setTimeout(resolve, task.intervalMs));
  } while (task.durationMs && performance.now() - started < task.durationMs);
  await chat.close();
  // The client never closes the user's connection: it must still answer.
  const pong = await Promise.race([
    redis.ping().catch(() => 'down'),
    new Promise((r) => setTimeout(() => r('slow'), 500)),
  ]);
  redis.disconnect();
  process.send({
    type: 'done',
    id: task.id,
    ok: results.filter((r) => r.ok).length,
    failed: results.filter((r) => !r.ok).map((r) => r.code),
    maxMs: Math.max(...results.map((r) => r.ms)),
    pong,
  });
}

process.on('message', (message) => {
  if (message.type === 'run')
    run(message).catch((error) =>
      process.send({ type: 'crash', id: message.id, error: String(error) }),
    );
});
process.send({ type: 'ready' });
