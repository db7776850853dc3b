/**
 * `afilnet-chat relay` in one process (file checkpoint), against the sandbox and a local receiver
 * that verifies every request with `standardwebhooks`: start-up checks; every message delivered,
 * in order per conversation, through 500s, 429s with Retry-After and a receiver down for seconds;
 * the same webhook-id on every retry; retries exhausted → the failed list → `--retry-failed`.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import {
  CLI_ACCOUNT,
  CLI_CHANNELS,
  accountEnv,
  injectWhatsapp,
  runCli,
  type CliProcess,
} from './support/cli-process.js';
import { startForwardProxy } from './support/forward-proxy.js';
import { useRelayHarness } from './support/relay-harness.js';
import { useSandbox } from './support/sandbox-fixture.js';
import { waitFor } from './support/wait-for.js';
import {
  expectOrderPerConversation,
  expectSignedAndStable,
  newWebhookSecret,
  type ReceivedRequest,
} from './support/webhook-receiver.js';

const fixture = useSandbox({ accounts: [CLI_ACCOUNT] });
// Each test's relay starts from a state of its own, so it delivers every message the account
// holds unread: a message an earlier test's relay took from its history (a recovery after a kill)
// is still unread there. Each test starts from an empty account.
beforeEach(() => fixture.sandbox.reset());
const dir = mkdtempSync(join(tmpdir(), 'afilnet-relay-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
// After the folder's removal in the file, so that its relays are stopped before it.
const harness = useRelayHarness();

const secret = newWebhookSecret();
const env = (extra: Record<string, string> = {}) =>
  accountEnv(fixture.sandbox.url, 'post', { AFILNET_WEBHOOK_SECRET: secret, ...extra });

function inject(conversation: number, text: string): string {
  return fixture.sandbox.injectInbound({
    user: CLI_ACCOUNT.user,
    ...CLI_CHANNELS[conversation % 2 === 0 ? 0 : 1],
    destination: `3461${String(conversation).padStart(5, '0')}`,
    message: text,
  }).messageId;
}

function startRelay(args: readonly string[], extra: Record<string, string> = {}): CliProcess {
  return harness.relay(['relay', '--interval', '100', ...args], env(extra));
}

describe('relay: start-up checks', { timeout: 60_000 }, () => {
  it('exits 2 naming the problem, never echoing the secret', async () => {
    const url = 'https://127.0.0.1:9/hooks';
    const short = `whsec_${Buffer.alloc(16, 7).toString('base64')}`;
    const runs = await Promise.all([
      runCli(['relay', '--url', url], { env: env({ AFILNET_WEBHOOK_SECRET: '' }) }),
      runCli(['relay', '--url', url], {
        env: env({ AFILNET_WEBHOOK_SECRET: 'sk_live_notawebhooksecret' }),
      }),
      runCli(['relay', '--url', url], {
        env: env({ AFILNET_WEBHOOK_SECRET: 'whsec_not*base64!' }),
      }),
      runCli(['relay', '--url', url], { env: env({ AFILNET_WEBHOOK_SECRET: short }) }),
      runCli(['relay', '--url', 'http://127.0.0.1:9/hooks'], {
        env: env({ AFILNET_ALLOW_INSECURE_HTTP: '' }),
      }),
      runCli(['relay'], { env: env() }),
      runCli(['relay', '--url', 'https://user:pw@example.com/hooks'], { env: env() }),
      // A secret pasted where it does not belong is redacted from the error that quotes it.
      runCli(['relay', secret], { env: env() }),
    ]);
    for (const run of runs) expect(run.code, run.stderr).toBe(2);
    expect(runs[0]?.stderr).toContain('AFILNET_WEBHOOK_SECRET is not set');
    expect(runs[1]?.stderr).toContain('does not start with whsec_');
    expect(runs[2]?.stderr).toContain('base64');
    expect(runs[3]?.stderr).toContain('16-byte key');
    expect(runs[4]?.stderr).toContain('--allow-insecure-http');
    expect(runs[5]?.stderr).toContain('--url');
    expect(runs[6]?.stderr).toContain('user or password');
    expect(runs[7]?.stderr).toContain('unexpected argument "[REDACTED]"');
    for (const run of runs) {
      for (const needle of ['sk_live_notawebhooksecret', 'not*base64!', short, secret, 'pw@']) {
        expect(run.stdout + run.stderr).not.toContain(needle);
      }
    }
  });
});

describe('relay: in one process', { timeout: 120_000 }, () => {
  it('delivers every message, signed and in order per conversation, through 500s, 429 Retry-After and a receiver down for seconds', async () => {
    const answers = (
      r: { event?: { data: { messageId: string } } | undefined },
      attempt: number,
    ) => {
      const n = Number(r.event?.data.messageId);
      if (attempt === 1 && n % 5 === 0) return { status: 500 };
      if (attempt === 1 && n % 7 === 0) return { status: 429, headers: { 'retry-after': '2' } };
      if (attempt === 1 && n % 11 === 0) return { status: 503, headers: { 'retry-after': '1' } };
      return { status: n % 2 === 0 ? 200 : 204 };
    };
    const receiver = await harness.receiver(secret, answers);
    const injected: string[] = [];
    for (let i = 0; i < 20; i++) injected.push(inject(i % 8, `early ${i}`));
    const relay = startRelay([
      '--url',
      receiver.url,
      '--checkpoint',
      join(dir, 'faults.json'),
      '--json',
    ]);
    await relay.waitFor('stdout', '"event":"delivered"');
    for (let i = 0; i < 20; i++) injected.push(inject(i % 8, `before the outage ${i}`));
    await waitFor(() => receiver.accepted().length >= 25, 30_000, 20);
    // Down for 3 s while messages keep arriving: connections refused, then it is back on its port.
    const outage = receiver.down(3_000);
    for (let i = 0; i < 20; i++) injected.push(inject(i % 8, `during the outage ${i}`));
    await outage;
    for (let i = 0; i < 10; i++) injected.push(inject(8 + (i % 4), `new customer ${i}`));
    await waitFor(
      () =>
        new Set(receiver.accepted().map((r) => r.event?.data.messageId)).size >= injected.length,
      60_000,
      50,
    );
    relay.child.kill('SIGTERM');
    const { code, stderr } = await relay.done;
    expect(code, stderr).toBe(0);

    expectSignedAndStable(receiver.requests);
    const accepted = receiver.accepted();
    expect(new Set(accepted.map((r) => r.event?.data.messageId))).toEqual(new Set(injected));
    // Acknowledged only after a 2xx: no message accepted twice in one uninterrupted run.
    expect(accepted.length).toBe(injected.length);
    expectOrderPerConversation(accepted);
    // A 500 and a 429 were each followed by another attempt, the 429 not before its Retry-After.
    const byId = new Map<string, ReceivedRequest[]>();
    for (const r of receiver.requests) byId.set(r.id, [...(byId.get(r.id) ?? []), r]);
    const retried429 = [...byId.values()].filter((rs) => rs[0]?.status === 429);
    expect(retried429.length).toBeGreaterThan(0);
    for (const rs of retried429)
      expect((rs[1]?.at ?? 0) - (rs[0]?.at ?? 0)).toBeGreaterThanOrEqual(1_900);
    expect(
      [...byId.values()].some((rs) => rs[0]?.status === 500 && rs.at(-1)?.status === 200),
    ).toBe(true);
    // The outage was seen as failed attempts, reported on stderr and retried.
    expect(stderr).toMatch(/network failure|HTTP 5/);
  });

  it('keeps messages whose retry window closed as failed, lists them, and delivers them after --retry-failed', async () => {
    let broken = true;
    const receiver = await harness.receiver(secret, (r) => ({
      status: broken && r.event?.data.destination === '346100100' ? 500 : 204,
    }));
    const checkpoint = join(dir, 'exhausted.json');
    const a1 = injectWhatsapp(fixture.sandbox, '346100100', 'a1');
    const a2 = injectWhatsapp(fixture.sandbox, '346100100', 'a2');
    const b1 = fixture.sandbox.injectInbound({
      user: CLI_ACCOUNT.user,
      platform: 'telegram',
      platformId: '200',
      destination: '346100200',
      message: 'b1',
    }).messageId;
    const relay = startRelay([
      '--url',
      receiver.url,
      '--checkpoint',
      checkpoint,
      '--retry-window',
      '2',
      '--json',
    ]);
    await waitFor(
      () => (relay.output().stdout.match(/"event":"failed"/g) ?? []).length >= 2,
      30_000,
      20,
    );
    relay.child.kill('SIGINT');
    expect((await relay.done).code).toBe(0);
    expect(receiver.accepted().map((r) => r.event?.data.messageId)).toEqual([b1]);
    expect(existsSync(join(dir, 'exhausted.failed.json'))).toBe(true);

    const listed = await runCli(['relay', '--checkpoint', checkpoint, '--failed'], { env: env() });
    expect(listed.code, listed.stderr).toBe(0);
    const lines = listed.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain(`#${a1}`);
    expect(lines[0]).toContain('HTTP 500');
    const asJson = await runCli(['relay', '--checkpoint', checkpoint, '--failed', '--json'], {
      env: env(),
    });
    const entries = asJson.stdout
      .trimEnd()
      .split('\n')
      .map(
        (l) =>
          JSON.parse(l) as { webhookId: string; attempts: number; message: { messageId: string } },
      );
    expect(entries.map((e) => e.message.messageId)).toEqual([a1, a2]);
    for (const e of entries) expect(e.attempts).toBeGreaterThanOrEqual(2);
    const failedIds = entries.map((e) => e.webhookId);
    expect(failedIds).toEqual(
      failedIds.map((id) => receiver.requests.find((r) => r.id === id)?.id),
    );

    broken = false;
    const requeued = await runCli(
      ['relay', '--checkpoint', checkpoint, '--retry-failed', '--json'],
      { env: env() },
    );
    expect(requeued.code, requeued.stderr).toBe(0);
    expect(JSON.parse(requeued.stdout)).toEqual({ requeued: 2 });
    expect(
      (await runCli(['relay', '--checkpoint', checkpoint, '--failed'], { env: env() })).stdout,
    ).toBe('');
    const again = startRelay(['--url', receiver.url, '--checkpoint', checkpoint, '--json']);
    await waitFor(() => receiver.accepted().length >= 3, 30_000, 20);
    again.child.kill('SIGTERM');
    expect((await again.done).code).toBe(0);
    const later = receiver.accepted().slice(1);
    expect(later.map((r) => r.event?.data.messageId)).toEqual([a1, a2]);
    expect(later.map((r) => r.id)).toEqual(failedIds);
    expectSignedAndStable(receiver.requests);
  });

  it("keeps a message's retry window across a restart: a relay started after the window closed fails it at its next failed attempt", async () => {
    const destination = '346100400';
    const receiver = await harness.receiver(secret, (r) => ({
      status: r.event?.data.destination === destination ? 500 : 204,
    }));
    const ours = () => receiver.requests.filter((r) => r.event?.data.destination === destination);
    const messageId = injectWhatsapp(fixture.sandbox, destination, 'w1');
    const windowMs = 4_000;
    const args = [
      '--url',
      receiver.url,
      '--checkpoint',
      join(dir, 'window.json'),
      '--retry-window',
      String(windowMs / 1_000),
      '--json',
    ];
    // The first attempt fails; the relay is stopped in the pause before the second.
    const first = startRelay(args);
    await first.waitFor('stderr', '"event":"retrying"');
    first.child.kill('SIGTERM');
    expect((await first.done).code).toBe(0);
    const firstAttemptAt = ours()[0]?.at ?? 0;
    expect(ours()).toHaveLength(1);

    // Started again once the window from that first attempt has closed: one attempt, then failed.
    await new Promise((resolve) =>
      setTimeout(resolve, Math.max(0, firstAttemptAt + windowMs + 500 - Date.now())),
    );
    const second = startRelay(args);
    await second.waitFor('stdout', '"event":"failed"');
    second.child.kill('SIGTERM');
    expect((await second.done).code).toBe(0);
    expect(ours()).toHaveLength(2);
    expect(new Set(ours().map((r) => r.event?.data.messageId))).toEqual(new Set([messageId]));
    const listed = await runCli(['relay', '--checkpoint', join(dir, 'window.json'), '--failed'], {
      env: env(),
    });
    expect(listed.stdout).toContain(`#${messageId}`);
  });

  it('refuses --retry-failed while a relay runs on the checkpoint', async () => {
    const receiver = await harness.receiver(secret);
    const checkpoint = join(dir, 'busy.json');
    const relay = startRelay(['--url', receiver.url, '--checkpoint', checkpoint]);
    await relay.waitFor('stderr', 'Relaying');
    await waitFor(() => existsSync(`${checkpoint}.lock`), 10_000, 20);
    const refused = await runCli(['relay', '--checkpoint', checkpoint, '--retry-failed'], {
      env: env(),
    });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('INVALID_CONFIG');
    relay.child.kill('SIGINT');
    expect((await relay.done).code).toBe(0);
  });

  it('stops on SIGTERM after the delivery in flight (acknowledged), and at once on a second signal (not acknowledged)', async () => {
    const receiver = await harness.receiver(secret, (r, attempt) => ({
      status: 204,
      delayMs: r.event?.data.message === 'slow' ? 1_500 : attempt === 1 ? 6_000 : 0,
    }));
    const checkpoint = join(dir, 'stopping.json');
    // One signal: the attempt in flight completes, its 2xx is acknowledged, the relay exits 0.
    const first = startRelay(['--url', receiver.url, '--checkpoint', checkpoint]);
    const slow = injectWhatsapp(fixture.sandbox, '346100300', 'slow');
    await waitFor(() => receiver.arrived() > 0, 30_000, 5);
    first.child.kill('SIGTERM');
    const stopped = await first.done;
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(stopped.stdout).toContain(`#${slow}`);
    expect(receiver.accepted().map((r) => r.event?.data.messageId)).toEqual([slow]);

    // Two signals while the receiver takes 6 s: the relay ends at once, nothing acknowledged.
    const second = startRelay(['--url', receiver.url, '--checkpoint', checkpoint]);
    const held = injectWhatsapp(fixture.sandbox, '346100300', 'held');
    await waitFor(() => receiver.arrived() >= 2, 30_000, 5);
    const signalledAt = Date.now();
    second.child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 100));
    second.child.kill('SIGTERM');
    await second.done;
    expect(Date.now() - signalledAt).toBeLessThan(3_000);
    expect(second.output().stdout).not.toContain(`#${held}`);

    // The next run delivers it again, with the same webhook-id, and never the slow one again.
    const third = startRelay(['--url', receiver.url, '--checkpoint', checkpoint]);
    await third.waitFor('stderr', 'Relaying');
    await waitFor(
      () => receiver.accepted().filter((r) => r.event?.data.messageId === held).length >= 2,
      30_000,
      20,
    );
    third.child.kill('SIGTERM');
    expect((await third.done).code).toBe(0);
    const held2 = receiver.requests.filter((r) => r.event?.data.messageId === held);
    expect(held2.length).toBe(2);
    expect(new Set(held2.map((r) => r.id)).size).toBe(1);
    expect(receiver.requests.filter((r) => r.event?.data.messageId === slow)).toHaveLength(1);
    expectSignedAndStable(receiver.requests);
  });
});

describe('relay: behind a proxy', { timeout: 120_000 }, () => {
  it('posts webhooks through HTTP_PROXY as it calls the API, and directly when NO_PROXY covers the receiver', async () => {
    const proxy = await startForwardProxy();
    try {
      const receiver = await harness.receiver(secret);
      const receiverHost = new URL(receiver.url).host;
      for (const [name, extra, throughProxy] of [
        ['proxied', { HTTP_PROXY: proxy.url }, true],
        ['exempt', { HTTP_PROXY: proxy.url, NO_PROXY: receiverHost }, false],
      ] as const) {
        proxy.seen.length = 0;
        const id = inject(40 + (throughProxy ? 0 : 1), `through a proxy: ${name}`);
        const relay = startRelay(
          ['--url', receiver.url, '--checkpoint', join(dir, `proxy-${name}.json`), '--json'],
          extra,
        );
        await waitFor(
          () => receiver.accepted().some((r) => r.event?.data.messageId === id),
          30_000,
        );
        relay.child.kill('SIGTERM');
        const { code, stderr } = await relay.done;
        expect(code, stderr).toBe(0);
        const toReceiver = proxy.seen.filter((line) => line.includes(receiverHost));
        if (throughProxy) expect(toReceiver.length).toBeGreaterThan(0);
        else expect(toReceiver).toEqual([]);
        // The API calls go through it in both runs: NO_PROXY names only the receiver's host:port.
        expect(proxy.seen.some((line) => line.includes(new URL(fixture.sandbox.url).host))).toBe(
          true,
        );
      }
    } finally {
      await proxy.close();
    }
  });
});
