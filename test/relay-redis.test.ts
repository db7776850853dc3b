/**
 * `afilnet-chat relay --redis`: the relay on BullMQ, against a real redis-server, the sandbox and
 * a receiver that verifies every request. An unreachable Redis exits 2; 1,000 messages across 100
 * conversations go through two relay processes, one SIGKILLed midway and restarted, all
 * delivered, in order per conversation, repeats only with the same webhook-id; a message whose
 * retry window closed is in BullMQ's failed set, listed by --failed and delivered after
 * --retry-failed.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisServer } from '../scripts/redis-server.mjs';
import {
  CLI_ACCOUNT,
  CLI_CHANNELS as CHANNELS,
  accountEnv,
  injectWhatsapp,
  runCli,
  type CliProcess,
} from './support/cli-process.js';
import { sleep, useRelayHarness } from './support/relay-harness.js';
import { useSandbox } from './support/sandbox-fixture.js';
import { waitFor } from './support/wait-for.js';
import {
  expectOrderPerConversation,
  expectSignedAndStable,
  newWebhookSecret,
} from './support/webhook-receiver.js';

const fixture = useSandbox({ accounts: [CLI_ACCOUNT] });
// Each test's relay starts from a state of its own, so it delivers every message the account
// holds unread: a message an earlier test's relay took from its history (a recovery after a kill)
// is still unread there. Each test starts from an empty account.
beforeEach(() => fixture.sandbox.reset());
let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  await redis?.stop();
});
// After Redis's stop in the file, so that the relays are stopped before it.
const harness = useRelayHarness();

const secret = newWebhookSecret();
const env = () => accountEnv(fixture.sandbox.url, 'post', { AFILNET_WEBHOOK_SECRET: secret });

function startRelay(args: readonly string[]): CliProcess {
  return harness.relay(['relay', '--redis', redis.url, '--interval', '200', ...args], env());
}

describe('relay --redis', { timeout: 150_000 }, () => {
  it('exits 2 when Redis cannot be reached, naming it without its password', async () => {
    const run = await runCli(
      [
        'relay',
        '--url',
        'https://127.0.0.1:9/hooks',
        '--redis',
        'redis://:hunter2pass@127.0.0.1:1',
      ],
      { env: env() },
    );
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toContain('Redis at redis://127.0.0.1:1 cannot be reached');
    expect(run.stderr).not.toContain('hunter2pass');
  });

  it('delivers 1,000 messages across 100 conversations through 2 relay processes, one SIGKILLed midway and restarted', async () => {
    const receiver = await harness.receiver(secret, () => ({
      status: 204,
      delayMs: Math.random() * 10,
    }));
    const args = ['--url', receiver.url, '--queue', 'relay-kill', '--concurrency', '8'];
    const a = startRelay(args);
    const b = startRelay(args);
    await Promise.all([a.waitFor('stderr', 'Relaying'), b.waitFor('stderr', 'Relaying')]);
    const injected: string[] = [];
    const injecting = (async () => {
      for (let round = 0; round < 10; round++) {
        // 100 messages a round, one per conversation, each conversation on its channel.
        const messages = Array.from({ length: 100 }, (_, c) => ({
          ...(CHANNELS[c % 2] ?? CHANNELS[0]),
          destination: `3463${String(c).padStart(5, '0')}`,
          message: `r${round} c${c}`,
        }));
        const result = fixture.sandbox.injectInboundBulk({ user: CLI_ACCOUNT.user, messages });
        for (let i = 0; i < result.count; i++)
          injected.push(String(Number(result.firstMessageId) + i));
        await sleep(150 + Math.random() * 150);
      }
    })();
    await waitFor(() => receiver.accepted().length >= 300, 60_000, 20);
    a.child.kill('SIGKILL');
    await a.done.catch(() => undefined);
    await injecting;
    const restarted = startRelay(args);
    // Its stop handler is in place once it says so: a SIGTERM before that would kill it outright.
    await restarted.waitFor('stderr', 'Relaying');
    await waitFor(
      () => {
        const seen = new Set(receiver.accepted().map((r) => r.event?.data.messageId));
        return injected.length === 1_000 && injected.every((id) => seen.has(id));
      },
      90_000,
      50,
    );
    b.child.kill('SIGTERM');
    restarted.child.kill('SIGTERM');
    expect((await b.done).code).toBe(0);
    expect((await restarted.done).code).toBe(0);

    expectSignedAndStable(receiver.requests);
    const accepted = receiver.accepted();
    expect(new Set(accepted.map((r) => r.event?.data.messageId))).toEqual(new Set(injected));
    expectOrderPerConversation(accepted);
    // Both processes delivered (the work was shared).
    expect(b.output().stdout).toContain('delivered');
    console.log(
      `relay --redis: 1,000 messages, 2 processes, one killed after ${a.output().stdout.split('\n').length - 1} deliveries; ${accepted.length - injected.length} repeats`,
    );
  });

  it('keeps a message whose retry window closed in the failed set, lists it, and delivers it after --retry-failed', async () => {
    let broken = true;
    const receiver = await harness.receiver(secret, (r) => ({
      status: broken && r.event?.data.destination === '346300999' ? 500 : 204,
    }));
    const args = ['--url', receiver.url, '--queue', 'relay-failed'];
    const relay = startRelay([...args, '--retry-window', '2', '--json']);
    const a1 = injectWhatsapp(fixture.sandbox, '346300999', 'x1');
    const a2 = injectWhatsapp(fixture.sandbox, '346300999', 'x2');
    await waitFor(
      () => (relay.output().stdout.match(/"event":"failed"/g) ?? []).length >= 2,
      60_000,
      20,
    );

    const listed = await runCli(
      ['relay', '--redis', redis.url, '--queue', 'relay-failed', '--failed', '--json'],
      { env: env() },
    );
    expect(listed.code, listed.stderr).toBe(0);
    const entries = listed.stdout
      .trimEnd()
      .split('\n')
      .map(
        (l) =>
          JSON.parse(l) as { webhookId: string; reason: string; message: { messageId: string } },
      );
    expect(entries.map((e) => e.message.messageId)).toEqual([a1, a2]);
    expect(entries[0]?.reason).toContain('HTTP 500');
    const text = await runCli(
      ['relay', '--redis', redis.url, '--queue', 'relay-failed', '--failed'],
      { env: env() },
    );
    expect(text.stdout.trimEnd().split('\n')).toHaveLength(2);

    broken = false;
    const requeued = await runCli(
      ['relay', '--redis', redis.url, '--queue', 'relay-failed', '--retry-failed', '--json'],
      { env: env() },
    );
    expect(requeued.code, requeued.stderr).toBe(0);
    expect(JSON.parse(requeued.stdout)).toEqual({ requeued: 2 });
    await waitFor(() => receiver.accepted().length >= 2, 60_000, 20);
    relay.child.kill('SIGTERM');
    expect((await relay.done).code).toBe(0);
    const accepted = receiver.accepted();
    expect(new Set(accepted.map((r) => r.event?.data.messageId))).toEqual(new Set([a1, a2]));
    expect(accepted.map((r) => r.id).sort()).toEqual(entries.map((e) => e.webhookId).sort());
    expectSignedAndStable(receiver.requests);
    expect(
      (
        await runCli(['relay', '--redis', redis.url, '--queue', 'relay-failed', '--failed'], {
          env: env(),
        })
      ).stdout,
    ).toBe('');
  });

  it("keeps a message's retry window across processes, and --retry-failed opens a new one", async () => {
    const destination = '346300777';
    let failures = Number.POSITIVE_INFINITY;
    const receiver = await harness.receiver(secret, (r) => {
      if (r.event?.data.destination !== destination) return { status: 204 };
      if (failures <= 0) return { status: 204 };
      failures -= 1;
      return { status: 500 };
    });
    const ours = () => receiver.requests.filter((r) => r.event?.data.destination === destination);
    const windowMs = 4_000;
    const args = [
      '--url',
      receiver.url,
      '--queue',
      'relay-window',
      '--retry-window',
      '4',
      '--json',
    ];
    const messageId = injectWhatsapp(fixture.sandbox, destination, 'w1');
    // The first attempt fails; the relay is stopped in the pause before the second.
    const first = startRelay(args);
    await first.waitFor('stderr', '"event":"retrying"');
    first.child.kill('SIGTERM');
    expect((await first.done).code).toBe(0);
    expect(ours()).toHaveLength(1);
    const firstAttemptAt = ours()[0]?.at ?? 0;

    // Another process, once the window from that first attempt has closed: one attempt, then failed.
    await sleep(Math.max(0, firstAttemptAt + windowMs + 500 - Date.now()));
    const second = startRelay(args);
    await second.waitFor('stdout', '"event":"failed"');
    expect(ours()).toHaveLength(2);

    // Queued again with one more failure to come: a new window, so it is retried and delivered.
    failures = 1;
    const requeued = await runCli(
      ['relay', '--redis', redis.url, '--queue', 'relay-window', '--retry-failed', '--json'],
      { env: env() },
    );
    expect(JSON.parse(requeued.stdout)).toEqual({ requeued: 1 });
    await waitFor(
      () => receiver.accepted().some((r) => r.event?.data.destination === destination),
      60_000,
      20,
    );
    second.child.kill('SIGTERM');
    expect((await second.done).code).toBe(0);
    expect(ours().map((r) => r.status)).toEqual([500, 500, 500, 204]);
    expect(new Set(ours().map((r) => r.event?.data.messageId))).toEqual(new Set([messageId]));
  });

  it('rides out 500s and 429 Retry-After across processes; a relay stopped during a pause hands its messages back', async () => {
    const receiver = await harness.receiver(secret, (r, attempt) => {
      if (attempt === 1)
        return Number(r.event?.data.messageId) % 2 === 0
          ? { status: 429, headers: { 'retry-after': '3' } }
          : { status: 500 };
      return { status: 204 };
    });
    const args = ['--url', receiver.url, '--queue', 'relay-faults'];
    const a = startRelay(args);
    const b = startRelay(args);
    await Promise.all([a.waitFor('stderr', 'Relaying'), b.waitFor('stderr', 'Relaying')]);
    const injected: string[] = [];
    for (let i = 0; i < 30; i++) {
      injected.push(
        fixture.sandbox.injectInbound({
          user: CLI_ACCOUNT.user,
          ...(CHANNELS[i % 2] ?? CHANNELS[0]),
          destination: `3464${String(i % 6).padStart(5, '0')}`,
          message: `f${i}`,
        }).messageId,
      );
    }
    // Both relays hold messages in a pause after a failed attempt: stop one of them there.
    await waitFor(
      () => a.output().stderr.includes('retrying in') && b.output().stderr.includes('retrying in'),
      60_000,
      20,
    );
    const stoppedAt = Date.now();
    a.child.kill('SIGTERM');
    expect((await a.done).code).toBe(0);
    expect(Date.now() - stoppedAt, 'a stop does not wait for the pauses').toBeLessThan(5_000);
    await waitFor(
      () => {
        const seen = new Set(receiver.accepted().map((r) => r.event?.data.messageId));
        return injected.every((id) => seen.has(id));
      },
      90_000,
      50,
    );
    b.child.kill('SIGTERM');
    expect((await b.done).code).toBe(0);

    expectSignedAndStable(receiver.requests);
    expectOrderPerConversation(receiver.accepted());
    expect(new Set(receiver.accepted().map((r) => r.event?.data.messageId))).toEqual(
      new Set(injected),
    );
    // Every 429's next attempt came after its Retry-After, in whichever process made it.
    const byId = new Map<string, typeof receiver.requests>();
    for (const r of receiver.requests) byId.set(r.id, [...(byId.get(r.id) ?? []), r]);
    for (const rs of byId.values()) {
      if (rs[0]?.status === 429)
        expect((rs[1]?.at ?? 0) - (rs[0]?.at ?? 0)).toBeGreaterThanOrEqual(2_900);
    }
  });
});
