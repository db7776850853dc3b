/**
 * HTTP 429 on every flavour × executor (SPEC §10): `RATE_LIMITED` with `retryAfterMs` and
 * `mayHaveBeenSent: false`, retried for sends as for reads never sooner than `Retry-After`, and
 * ended at once when the wait would pass the deadline. A proxy in front of the real sandbox
 * answers the 429s, so the sandbox shows how many messages were really stored.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AfilnetTransportError, TransportErrorCode, type ChatClient } from '@afilnet-chat/core';
import { startSandbox, type Sandbox } from '@afilnet-chat/sandbox';
import { clientFor } from './support/case-client.js';
import { startChaosProxy, type ChaosAnswer, type ChaosProxy } from './support/chaos-proxy.js';
import { failureOf } from './support/collect-errors.js';
import { MATRIX_ROWS } from './support/transport-cases.js';

const TOKEN_PATH = '/api/oauth/token';
/** Retries quick enough that only `Retry-After` sets the pace. */
const FAST_RETRY = { retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 } } as const;

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(() => sandbox.close());

/** A proxy to the sandbox answering the first `count` API requests (token requests pass) with `reply`. */
async function refusingProxy(count: number, reply: ChaosAnswer): Promise<ChaosProxy & { refused: () => number }> {
  let refused = 0;
  const proxy = await startChaosProxy(sandbox.url, {
    dropBefore: 0,
    dropAfter: 0,
    seed: 1,
    intercept: (path) => {
      if (path === TOKEN_PATH || refused >= count) return undefined;
      refused++;
      return reply;
    },
  });
  return Object.assign(proxy, { refused: () => refused });
}

describe.concurrent.each(MATRIX_ROWS.map((row, index) => ({ ...row, destination: `3460000${String(index).padStart(4, '0')}` })))(
  '$label',
  (row) => {
    const whatsapp = { platform: 'whatsapp', platformId: '100' } as const;

    it('a 429 then success on sendMessage waits Retry-After and stores exactly one message', async () => {
      const proxy = await refusingProxy(1, { status: 429, headers: { 'retry-after': '1' } });
      const clients: ChatClient[] = [];
      try {
        const retries: AfilnetTransportError[] = [];
        const chat = clientFor(row.case, row.executor, proxy.url, { ...FAST_RETRY, timeoutMs: 10_000, onRetry: (e) => retries.push(e.error) });
        clients.push(chat);
        const conversation = { ...whatsapp, destination: `${row.destination}1` };
        const started = performance.now();
        await chat.sendMessage({ ...conversation, message: 'once, after the rate limit' });
        expect(performance.now() - started, 'never sooner than Retry-After').toBeGreaterThanOrEqual(990);
        expect(proxy.refused()).toBe(1);
        expect(retries.map((e) => [e.code, e.retryAfterMs, e.mayHaveBeenSent])).toEqual([[TransportErrorCode.RATE_LIMITED, 1_000, false]]);
        const direct = clientFor(row.case, row.executor, sandbox.url);
        clients.push(direct);
        expect((await direct.getMessages(conversation)).map((m) => m.message)).toEqual(['once, after the rate limit']);
      } finally {
        await Promise.all(clients.map((c) => c.close()));
        await proxy.close();
      }
    });

    it('a 429 whose Retry-After passes the deadline ends at once with RATE_LIMITED, not sent', async () => {
      const retryAt = new Date(Date.now() + 120_000).toUTCString();
      const proxy = await refusingProxy(Infinity, { status: 429, headers: { 'retry-after': retryAt } });
      const chat = clientFor(row.case, row.executor, proxy.url, { ...FAST_RETRY, timeoutMs: 5_000 });
      try {
        const conversation = { ...whatsapp, destination: `${row.destination}2` };
        const started = performance.now();
        const error = await failureOf(chat.sendMessage({ ...conversation, message: 'refused' }));
        expect(performance.now() - started, 'ended at once').toBeLessThan(2_000);
        expect(error).toBeInstanceOf(AfilnetTransportError);
        const limited = error as AfilnetTransportError;
        expect(limited).toMatchObject({ code: 'RATE_LIMITED', httpStatus: 429, mayHaveBeenSent: false });
        // An HTTP-date, read against the clock: about two minutes, to the second.
        expect(limited.retryAfterMs).toBeGreaterThan(110_000);
        expect(limited.retryAfterMs).toBeLessThanOrEqual(120_000);
        expect(proxy.refused()).toBe(1);
      } finally {
        await chat.close();
        await proxy.close();
      }
    });

    it('a read is retried after a 429 without Retry-After, and a 503 carries retryAfterMs', async () => {
      const limited = await refusingProxy(1, { status: 429 });
      const busy = await refusingProxy(Infinity, { status: 503, headers: { 'retry-after': '30' }, body: 'busy' });
      const chat = clientFor(row.case, row.executor, limited.url, { ...FAST_RETRY, timeoutMs: 5_000 });
      const down = clientFor(row.case, row.executor, busy.url, { ...FAST_RETRY, timeoutMs: 5_000 });
      try {
        await expect(chat.getChats(whatsapp)).resolves.toEqual(expect.any(Array));
        expect(limited.refused()).toBe(1);
        const error = await failureOf(down.getChats(whatsapp));
        expect(error).toMatchObject({ code: 'HTTP_STATUS', httpStatus: 503, retryAfterMs: 30_000, mayHaveBeenSent: false });
      } finally {
        await Promise.all([chat.close(), down.close(), limited.close(), busy.close()]);
      }
    });
  },
);
