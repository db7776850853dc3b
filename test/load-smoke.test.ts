/**
 * The load test's small version (issue 7, item 8; the full one is `pnpm load`): for every
 * flavour, 300 sends at concurrency 50 into the sandbox, half through each executor at once. The sandbox must hold
 * exactly the acknowledged messages: nothing lost, nothing stored twice, no send failed. Counts
 * are asserted, never timings.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatClient } from '@afilnet-chat/core';
import { startSandbox, type ChaosRule, type Sandbox } from '@afilnet-chat/sandbox';
import { DEMO } from './support/account.js';
import { clientFor } from './support/case-client.js';
import { TRANSPORT_CASES } from './support/transport-cases.js';
import { EXECUTORS } from './support/wire-capture.js';

const SENDS = 300;
const CONCURRENCY = 50;

interface LoadFailure {
  readonly message: string;
  readonly code: string;
  readonly mayHaveBeenSent: boolean | undefined;
}

interface LoadOutcome {
  readonly acknowledged: string[];
  readonly failures: LoadFailure[];
  readonly peakInFlight: number;
}

/**
 * Sends `SENDS` messages with at most `CONCURRENCY` in flight, the workers shared out among
 * `clients`, recording each outcome.
 */
async function sendAll(clients: readonly ChatClient[], destination: string): Promise<LoadOutcome> {
  const acknowledged: string[] = [];
  const failures: LoadFailure[] = [];
  let next = 0;
  let inFlight = 0;
  let peakInFlight = 0;
  async function worker(client: ChatClient): Promise<void> {
    while (next < SENDS) {
      const message = `smoke message ${next++}`;
      inFlight++;
      peakInFlight = Math.max(peakInFlight, inFlight);
      try {
        await client.sendMessage({ platform: 'whatsapp', platformId: '100', destination, message });
        acknowledged.push(message);
      } catch (error) {
        const { code, mayHaveBeenSent } = error as { code?: unknown; mayHaveBeenSent?: boolean };
        failures.push({ message, code: String(code ?? error), mayHaveBeenSent });
      } finally {
        inFlight--;
      }
    }
  }
  await Promise.all(
    Array.from({ length: CONCURRENCY }, (_, i) =>
      worker(clients[i % clients.length] as ChatClient),
    ),
  );
  return { acknowledged, failures, peakInFlight };
}

const ROWS = TRANSPORT_CASES.map((c, index) => ({
  case: c,
  destination: `smoke-${index}`,
  label: c.label,
}));

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => {
  await sandbox.close();
});

describe('load smoke', () => {
  it.each(ROWS)(
    `$label: ${SENDS} sends at concurrency ${CONCURRENCY} over both executors, every acknowledged message stored once`,
    async (row) => {
      const clients = EXECUTORS.map((executor) => clientFor(row.case, executor, sandbox.url));
      let outcome: LoadOutcome;
      try {
        outcome = await sendAll(clients, row.destination);
      } finally {
        await Promise.all(clients.map((client) => client.close()));
      }
      const stored = sandbox
        .messages(DEMO.user)
        .filter((m) => m.destination === row.destination)
        .map((m) => m.message);

      expect(outcome.failures).toEqual([]);
      expect(outcome.peakInFlight, 'the load really was concurrent').toBe(CONCURRENCY);
      expect(outcome.acknowledged).toHaveLength(SENDS);
      expect(stored, 'stored count equals acknowledged count').toHaveLength(
        outcome.acknowledged.length,
      );
      expect(new Set(stored).size, 'nothing stored twice').toBe(stored.length);
      expect([...stored].sort(), 'exactly the acknowledged messages').toEqual(
        [...outcome.acknowledged].sort(),
      );
    },
    60_000,
  );
});

/** A tenth of the sends dropped before the sandbox stores them, a tenth after (1/9 of the other nine tenths); token requests too. */
const CONNECTION_CHAOS: ChaosRule[] = (['sendmessage', 'token'] as const).flatMap((method) => [
  { method, probability: 0.1, fault: { reset: 'before-commit' } },
  { method, probability: 0.1 / 0.9, fault: { reset: 'after-commit' } },
]);

/**
 * The same load with the sandbox's chaos dropping 10% of connections before it stores the send
 * and 10% after: sends then fail, and the invariants that make a resend safe must hold. Every
 * acknowledged message is stored once; a failure that says `mayHaveBeenSent: false` is not
 * stored; nothing is stored twice; the sandbox received each message at most once (no send
 * repeated after it may have arrived).
 */
describe('load smoke under connection chaos', () => {
  it.each(ROWS)(
    `$label: ${SENDS} sends at concurrency ${CONCURRENCY}, nothing lost or duplicated, mayHaveBeenSent truthful`,
    async (row) => {
      sandbox.reset();
      sandbox.chaos(CONNECTION_CHAOS);
      const destination = `${row.destination}-chaos`;
      const clients = EXECUTORS.map((executor) =>
        clientFor(row.case, executor, sandbox.url, {
          timeoutMs: 10_000,
          retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20 },
        }),
      );
      let outcome: LoadOutcome;
      try {
        outcome = await sendAll(clients, destination);
      } finally {
        sandbox.chaos([]);
        await Promise.all(clients.map((client) => client.close()));
      }
      const stored = sandbox
        .messages(DEMO.user)
        .filter((m) => m.destination === destination)
        .map((m) => m.message);
      const storedSet = new Set(stored);
      const acknowledged = new Set(outcome.acknowledged);
      const sends = sandbox.requests({ method: 'sendmessage' });

      expect(
        sends.filter((r) => r.chaos !== undefined).length,
        'the chaos really happened',
      ).toBeGreaterThan(0);
      expect(outcome.acknowledged.length + outcome.failures.length).toBe(SENDS);
      expect(new Set(stored).size, 'nothing stored twice').toBe(stored.length);
      for (const message of acknowledged)
        expect(storedSet.has(message), `acknowledged ${message} is stored`).toBe(true);
      for (const failure of outcome.failures) {
        expect(failure.code, failure.message).toMatch(/^(NETWORK|TIMEOUT)$/);
        if (!failure.mayHaveBeenSent)
          expect(storedSet.has(failure.message), `${failure.message} said not sent`).toBe(false);
      }
      for (const message of stored) {
        const failed = outcome.failures.find((f) => f.message === message);
        expect(
          acknowledged.has(message) || failed?.mayHaveBeenSent === true,
          `${message} stored without a reason`,
        ).toBe(true);
      }
      const reached = sends.filter((r) => r.chaos !== 'reset before-commit').length;
      expect(reached, 'each message reached the sandbox at most once').toBe(stored.length);
    },
    60_000,
  );
});
