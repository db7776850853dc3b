/**
 * HTTP 429 on every flavour × executor (docs/behaviour.md#retries): `RATE_LIMITED` with `retryAfterMs` and
 * `mayHaveBeenSent: false`, retried for sends as for reads never sooner than `Retry-After`, and
 * ended at once when the wait would pass the deadline. The sandbox's own chaos rules answer the
 * 429s and 503s, so its store shows how many messages were really stored; a `Retry-After` given
 * as an HTTP-date (which chaos rules do not write) comes from a misbehaving server.
 */
import { describe, expect, it } from 'vitest';
import { AfilnetTransportError, TransportErrorCode, type ChatClient } from '@afilnet-chat/core';
import { startSandbox, type ChaosRule, type Sandbox } from '@afilnet-chat/sandbox';
import { clientFor } from './support/case-client.js';
import { failureOf } from './support/collect-errors.js';
import { answer, startMisbehavingServer } from './support/misbehaving-server.js';
import { MATRIX_ROWS } from './support/transport-cases.js';

/** Retries quick enough that only `Retry-After` sets the pace. */
const FAST_RETRY = { retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 } } as const;

/** A sandbox of its own (the rows run concurrently) with `rules` in force, for the length of `run`. */
async function withChaos(
  rules: readonly ChaosRule[],
  run: (sandbox: Sandbox) => Promise<void>,
): Promise<void> {
  const sandbox = await startSandbox();
  try {
    sandbox.chaos(rules);
    await run(sandbox);
  } finally {
    await sandbox.close();
  }
}

const refused = (sandbox: Sandbox, status: number) => sandbox.requests({ status }).length;

describe.concurrent.each(
  MATRIX_ROWS.map((row, index) => ({
    ...row,
    destination: `3460000${String(index).padStart(4, '0')}`,
  })),
)('$label', (row) => {
  const whatsapp = { platform: 'whatsapp', platformId: '100' } as const;

  it('a 429 then success on sendMessage waits Retry-After and stores exactly one message', async () => {
    await withChaos(
      [{ method: 'sendmessage', times: 1, fault: { status: 429, retryAfterSeconds: 1 } }],
      async (sandbox) => {
        const retries: AfilnetTransportError[] = [];
        const chat = clientFor(row.case, row.executor, sandbox.url, {
          ...FAST_RETRY,
          timeoutMs: 10_000,
          onRetry: (e) => retries.push(e.error),
        });
        try {
          const conversation = { ...whatsapp, destination: `${row.destination}1` };
          const started = performance.now();
          await chat.sendMessage({ ...conversation, message: 'once, after the rate limit' });
          expect(
            performance.now() - started,
            'never sooner than Retry-After',
          ).toBeGreaterThanOrEqual(990);
          expect(refused(sandbox, 429)).toBe(1);
          expect(retries.map((e) => [e.code, e.retryAfterMs, e.mayHaveBeenSent])).toEqual([
            [TransportErrorCode.RATE_LIMITED, 1_000, false],
          ]);
          expect(
            sandbox.messages({ destination: conversation.destination }).map((m) => m.message),
          ).toEqual(['once, after the rate limit']);
        } finally {
          await chat.close();
        }
      },
    );
  });

  it('a 429 whose Retry-After passes the deadline ends at once with RATE_LIMITED, not sent', async () => {
    const retryAt = new Date(Date.now() + 120_000).toUTCString();
    const server = await startMisbehavingServer(
      answer(429, 'text/plain', '', { 'retry-after': retryAt }),
    );
    const chat = clientFor(row.case, row.executor, server.url, { ...FAST_RETRY, timeoutMs: 5_000 });
    try {
      const conversation = { ...whatsapp, destination: `${row.destination}2` };
      const started = performance.now();
      const error = await failureOf(chat.sendMessage({ ...conversation, message: 'refused' }));
      expect(performance.now() - started, 'ended at once').toBeLessThan(2_000);
      expect(error).toBeInstanceOf(AfilnetTransportError);
      const limited = error as AfilnetTransportError;
      expect(limited).toMatchObject({
        code: 'RATE_LIMITED',
        httpStatus: 429,
        mayHaveBeenSent: false,
      });
      // An HTTP-date, read against the clock: about two minutes, to the second.
      expect(limited.retryAfterMs).toBeGreaterThan(110_000);
      expect(limited.retryAfterMs).toBeLessThanOrEqual(120_000);
      expect(server.stats.apiRequests).toBe(1);
    } finally {
      await chat.close();
      await server.close();
    }
  });

  it('a read is retried after a 429 without Retry-After, and a 503 carries retryAfterMs', async () => {
    const rules: ChaosRule[] = [
      { method: 'getchats', times: 1, fault: { status: 429 } },
      { method: 'getmessages', fault: { status: 503, retryAfterSeconds: 30 } },
    ];
    await withChaos(rules, async (sandbox) => {
      const chat: ChatClient = clientFor(row.case, row.executor, sandbox.url, {
        ...FAST_RETRY,
        timeoutMs: 5_000,
      });
      try {
        await expect(chat.getChats(whatsapp)).resolves.toEqual(expect.any(Array));
        expect(refused(sandbox, 429)).toBe(1);
        const error = await failureOf(
          chat.getMessages({ ...whatsapp, destination: `${row.destination}3` }),
        );
        expect(error).toMatchObject({
          code: 'HTTP_STATUS',
          httpStatus: 503,
          retryAfterMs: 30_000,
          mayHaveBeenSent: false,
        });
      } finally {
        await chat.close();
      }
    });
  });
});
