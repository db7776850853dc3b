/**
 * Every chaos rule of the sandbox (docs/behaviour.md#sandbox) as the SDK meets it, through every flavour, with the
 * failure semantics of docs/behaviour.md#retries and #mayhavebeensent: a 429 is `RATE_LIMITED` and retried no sooner than its
 * `Retry-After`; a dropped connection before or after the send was stored is the same
 * `mayHaveBeenSent: true` to the client while the sandbox's store shows the difference; latency
 * meets the deadline; expired tokens are fetched again. Each test has its own sandbox, so that
 * the tests run concurrently. (A 429 retried after its `Retry-After`, for every flavour and
 * executor, is in `rate-limit.test.ts`, on these same rules.)
 */
import { describe, expect, it } from 'vitest';
import {
  AfilnetTransportError,
  createChatClient,
  type ChatClient,
  type TransportName,
} from '@afilnet-chat/core';
import { startSandbox, type ChaosRule, type Sandbox } from '@afilnet-chat/sandbox';
import { DEMO } from './support/account.js';

const FLAVOURS: readonly TransportName[] = ['get', 'post', 'basic', 'soap', 'json-oauth'];
const WHATSAPP = { platform: 'whatsapp', platformId: '100' } as const;
/** Quick retries, so that only `Retry-After` and the injected faults set the pace. */
const FAST_RETRY = { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20 };

async function withChaos(
  flavour: TransportName,
  rules: readonly ChaosRule[],
  run: (chat: ChatClient, sandbox: Sandbox) => Promise<void>,
  timeoutMs = 10_000,
): Promise<void> {
  const sandbox = await startSandbox();
  const chat = createChatClient({
    transport: flavour,
    baseUrl: sandbox.url,
    credentials: DEMO,
    allowInsecureHttp: true,
    retry: FAST_RETRY,
    timeoutMs,
  });
  try {
    // A first call loads the transport and, for json-oauth, fetches the token: the rules then meet the call under test.
    await chat.getChatChannels();
    sandbox.chaos(rules);
    await run(chat, sandbox);
  } finally {
    await chat.close();
    await sandbox.close();
  }
}

async function failure(call: Promise<unknown>): Promise<AfilnetTransportError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AfilnetTransportError);
  return error as AfilnetTransportError;
}

const statuses = (sandbox: Sandbox, method: string) =>
  sandbox.requests({ method }).map((r) => r.status);
const stored = (sandbox: Sandbox, destination: string) => sandbox.messages({ destination }).length;

describe.concurrent.each(FLAVOURS)('chaos through %s', (flavour) => {
  it('429 whose Retry-After passes the deadline: RATE_LIMITED at once, not sent', async () => {
    await withChaos(
      flavour,
      [{ method: 'sendmessage', fault: { status: 429, retryAfterSeconds: 30 } }],
      async (chat, sandbox) => {
        const started = performance.now();
        const error = await failure(
          chat.sendMessage({ ...WHATSAPP, destination: 'rate', message: 'never' }),
        );
        expect(performance.now() - started).toBeLessThan(1_500);
        expect(error).toMatchObject({
          code: 'RATE_LIMITED',
          retryAfterMs: 30_000,
          mayHaveBeenSent: false,
        });
        expect(statuses(sandbox, 'sendmessage')).toEqual([429]);
      },
      3_000,
    );
  });

  it('503 on a read: retried, then answered', async () => {
    await withChaos(
      flavour,
      [{ method: 'getchats', times: 1, fault: { status: 503 } }],
      async (chat, sandbox) => {
        await expect(chat.getChats(WHATSAPP)).resolves.toEqual([]);
        expect(statuses(sandbox, 'getchats')).toEqual([503, 200]);
      },
    );
  });

  it('500 on a send: HTTP_STATUS, not repeated, since the send may have been acted on', async () => {
    await withChaos(
      flavour,
      [{ method: 'sendmessage', fault: { status: 500 } }],
      async (chat, sandbox) => {
        const error = await failure(
          chat.sendMessage({ ...WHATSAPP, destination: 'outage', message: 'x' }),
        );
        expect(error).toMatchObject({
          code: 'HTTP_STATUS',
          httpStatus: 500,
          mayHaveBeenSent: true,
        });
        expect(statuses(sandbox, 'sendmessage')).toEqual([500]);
      },
    );
  });

  it('a reset before or after commit: the same mayHaveBeenSent to the client, a different store', async () => {
    for (const reset of ['before-commit', 'after-commit'] as const) {
      await withChaos(
        flavour,
        [{ method: 'sendmessage', times: 1, fault: { reset } }],
        async (chat, sandbox) => {
          const error = await failure(
            chat.sendMessage({ ...WHATSAPP, destination: reset, message: 'maybe' }),
          );
          expect(error, reset).toMatchObject({ code: 'NETWORK', mayHaveBeenSent: true });
          expect(stored(sandbox, reset), reset).toBe(reset === 'before-commit' ? 0 : 1);
          expect(sandbox.requests({ method: 'sendmessage' }), reset).toMatchObject([
            { status: 0, chaos: `reset ${reset}` },
          ]);
        },
      );
    }
  });

  it('a reset on a read: retried, then answered', async () => {
    await withChaos(
      flavour,
      [{ method: 'getchats', flavour, times: 1, fault: { reset: 'before-commit' } }],
      async (chat, sandbox) => {
        await expect(chat.getChats(WHATSAPP)).resolves.toEqual([]);
        expect(statuses(sandbox, 'getchats')).toEqual([0, 200]);
      },
    );
  });

  it('latency: a slow answer within the deadline succeeds, past it is TIMEOUT', async () => {
    await withChaos(
      flavour,
      [{ method: 'getchatchannels', fault: { delayMs: 400 } }],
      async (chat) => {
        const started = performance.now();
        await expect(chat.getChatChannels()).resolves.toHaveLength(4);
        expect(performance.now() - started).toBeGreaterThanOrEqual(390);
        const error = await failure(chat.getChatChannels({ timeoutMs: 150 }));
        expect(error.code).toBe('TIMEOUT');
      },
    );
  });

  it('expired tokens: fetched again once and the call repeated; other flavours unaffected', async () => {
    await withChaos(
      flavour,
      [{ method: 'sendmessage', times: 1, fault: { expireTokens: true } }],
      async (chat, sandbox) => {
        await chat.sendMessage({ ...WHATSAPP, destination: 'expired', message: 'still once' });
        expect(stored(sandbox, 'expired')).toBe(1);
        if (flavour === 'json-oauth') {
          expect(statuses(sandbox, 'sendmessage')).toEqual([401, 200]);
          expect(sandbox.requests({ method: 'token' })).toHaveLength(2);
        } else {
          expect(statuses(sandbox, 'sendmessage')).toEqual([200]);
        }
      },
    );
  });

  it('scoping: a rule for another flavour or method, or with probability 0, never applies; times runs out', async () => {
    const other = FLAVOURS.find((f) => f !== flavour) as TransportName;
    const rules: ChaosRule[] = [
      { flavour: other, fault: { status: 500 } },
      { method: 'getchats', fault: { status: 500 } },
      { probability: 0, fault: { status: 500 } },
      { method: 'getmessages', times: 2, probability: 1, fault: { status: 503 } },
    ];
    await withChaos(flavour, rules, async (chat, sandbox) => {
      await expect(chat.getChatChannels()).resolves.toHaveLength(4);
      await chat.sendMessage({ ...WHATSAPP, destination: 'scoped', message: 'x' });
      await expect(chat.getMessages({ ...WHATSAPP, destination: 'scoped' })).resolves.toHaveLength(
        1,
      );
      expect(statuses(sandbox, 'getmessages')).toEqual([503, 503, 200]);
    });
  });
});
