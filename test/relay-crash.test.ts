/**
 * `afilnet-chat relay` SIGKILLed at random instants while messages arrive, then started again:
 * every message reaches the receiver with a 2xx, one conversation's in order, and a message
 * posted more than once always carries the same webhook-id (what receivers de-duplicate on).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CLI_ACCOUNT,
  CLI_CHANNELS as CHANNELS,
  accountEnv,
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
const dir = mkdtempSync(join(tmpdir(), 'afilnet-relay-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
// After the folder's removal in the file, so that its relays are stopped before it.
const harness = useRelayHarness();

const secret = newWebhookSecret();

/** Injects `messages` over `conversations`, a few ms apart, the later conversations opening meanwhile. */
async function injectOverTime(
  messages: number,
  conversations: number,
  injected: string[],
): Promise<void> {
  for (let i = 0; i < messages; i++) {
    const conversation = i < conversations ? i : Math.floor(Math.random() * conversations);
    const channel = CHANNELS[conversation % CHANNELS.length] ?? CHANNELS[0];
    injected.push(
      fixture.sandbox.injectInbound({
        user: CLI_ACCOUNT.user,
        ...channel,
        destination: `3462${String(conversation).padStart(5, '0')}`,
        message: `m${i}`,
      }).messageId,
    );
    await sleep(Math.random() * 12);
  }
}

/** Kills a relay with SIGKILL and waits until it is reaped (so its checkpoint lock is stale). */
async function kill(relay: CliProcess): Promise<void> {
  relay.child.kill('SIGKILL');
  await relay.done.catch(() => undefined);
}

describe('relay killed at random instants', { timeout: 120_000 }, () => {
  it('in one process: nothing lost, repeats only with the same webhook-id', async () => {
    // Answers take a little while, so kills land during deliveries too.
    const receiver = await harness.receiver(secret, () => ({
      status: 204,
      delayMs: Math.random() * 15,
    }));
    const env = accountEnv(fixture.sandbox.url, 'post', { AFILNET_WEBHOOK_SECRET: secret });
    const args = [
      'relay',
      '--url',
      receiver.url,
      '--checkpoint',
      join(dir, 'relay.json'),
      '--interval',
      '100',
    ];
    const injected: string[] = [];
    const injecting = injectOverTime(400, 30, injected);
    let kills = 0;
    let landed = 0;
    let done = false;
    void injecting.then(() => (done = true));
    while (!done || kills < 5) {
      const relay = harness.relay(args, env);
      await relay.waitFor('stderr', 'Relaying');
      const before = receiver.accepted().length;
      await sleep(200 + Math.random() * 800);
      await kill(relay);
      kills += 1;
      if (receiver.accepted().length > before) landed += 1;
    }
    await injecting;
    const last = harness.relay(args, env);
    // Its stop handler is in place once it says so: a SIGTERM before that would kill it outright.
    await last.waitFor('stderr', 'Relaying');
    await waitFor(
      () => {
        const seen = new Set(receiver.accepted().map((r) => r.event?.data.messageId));
        return injected.every((id) => seen.has(id));
      },
      60_000,
      50,
    );
    last.child.kill('SIGTERM');
    expect((await last.done).code).toBe(0);

    expect(landed, 'kills during deliveries').toBeGreaterThanOrEqual(3);
    expectSignedAndStable(receiver.requests);
    const accepted = receiver.accepted();
    expect(new Set(accepted.map((r) => r.event?.data.messageId))).toEqual(new Set(injected));
    expectOrderPerConversation(accepted);
    const repeats = accepted.length - injected.length;
    console.log(
      `relay crash (in one process): ${injected.length} messages, ${kills} kills, ${repeats} repeats`,
    );
  });
});
