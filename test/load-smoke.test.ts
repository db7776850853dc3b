/**
 * The load test's small version (issue 7, item 8; the full one is `pnpm load`): for every
 * flavour, 300 sends at concurrency 50 into the sandbox, half through each executor at once. The sandbox must hold
 * exactly the acknowledged messages: nothing lost, nothing stored twice, no send failed. Counts
 * are asserted, never timings.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatClient } from '@afilnet-chat/core';
import { startSandbox, type Sandbox } from '@afilnet-chat/sandbox';
import { DEMO } from './support/account.js';
import { clientFor } from './support/case-client.js';
import { TRANSPORT_CASES } from './support/transport-cases.js';
import { EXECUTORS } from './support/wire-capture.js';

const SENDS = 300;
const CONCURRENCY = 50;

interface LoadOutcome {
  readonly acknowledged: string[];
  readonly failures: Array<{ message: string; code: string }>;
  readonly peakInFlight: number;
}

/**
 * Sends `SENDS` messages with at most `CONCURRENCY` in flight, the workers shared out among
 * `clients`, recording each outcome.
 */
async function sendAll(clients: readonly ChatClient[], destination: string): Promise<LoadOutcome> {
  const acknowledged: string[] = [];
  const failures: Array<{ message: string; code: string }> = [];
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
        failures.push({ message, code: String((error as { code?: unknown }).code ?? error) });
      } finally {
        inFlight--;
      }
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, (_, i) => worker(clients[i % clients.length] as ChatClient)));
  return { acknowledged, failures, peakInFlight };
}

const ROWS = TRANSPORT_CASES.map((c, index) => ({
  case: c,
  destination: `smoke-${index}`,
  label: `${c.name}${c.config ? ` ${JSON.stringify(c.config)}` : ''}`,
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
      expect(stored, 'stored count equals acknowledged count').toHaveLength(outcome.acknowledged.length);
      expect(new Set(stored).size, 'nothing stored twice').toBe(stored.length);
      expect([...stored].sort(), 'exactly the acknowledged messages').toEqual([...outcome.acknowledged].sort());
    },
    60_000,
  );
});
