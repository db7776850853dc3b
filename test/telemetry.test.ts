/**
 * OpenTelemetry and diagnostics_channel on every flavour × executor, against the sandbox: a call
 * is a span whose children are its HTTP attempts (token requests included) under the stable HTTP
 * client conventions, the trace id reaches the server in `traceparent`, durations, retries and
 * rate limits are measured, failures carry their code; the `afilnet-chat:call` channel publishes
 * each call; and a password rotated mid-run is picked up by a credentials function, the refused
 * send made again and stored exactly once.
 */
import { tracingChannel } from 'node:diagnostics_channel';
import { metrics, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AfilnetApiError, ChatClientConfig, Credentials } from '@afilnet-chat/core';
import { DEMO_ACCOUNT, startSandbox, type ChaosRule, type Sandbox } from '@afilnet-chat/sandbox';
import { clientFor } from './support/case-client.js';
import { failureOf } from './support/collect-errors.js';
import {
  countOf,
  memoryTelemetry,
  registerPropagation,
  type MemoryTelemetry,
} from './support/otel-memory.js';
import { MATRIX_ROWS } from './support/transport-cases.js';

const FAST_RETRY = {
  retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 },
  timeoutMs: 15_000,
} as const;
const WHATSAPP = { platform: 'whatsapp', platformId: '100' } as const;
const ROTATING_USER = 'rotating@example.com';

let unregister: () => void;
beforeAll(() => {
  unregister = registerPropagation();
});
afterAll(() => unregister());

/** A sandbox of its own (rows run concurrently) with an account whose password a test may change. */
async function withSandbox(
  run: (sandbox: Sandbox) => Promise<void>,
  rules: readonly ChaosRule[] = [],
): Promise<void> {
  const sandbox = await startSandbox({
    accounts: [{ ...DEMO_ACCOUNT, user: ROTATING_USER, password: 'first-password' }],
  });
  try {
    sandbox.chaos(rules);
    await run(sandbox);
  } finally {
    await sandbox.close();
  }
}

const childrenOf = (spans: readonly ReadableSpan[], parent: ReadableSpan) =>
  spans.filter((s) => s.parentSpanContext?.spanId === parent.spanContext().spanId);

function onlyCall(spans: readonly ReadableSpan[], method: string): ReadableSpan {
  const calls = spans.filter((s) => s.name === method);
  expect(calls).toHaveLength(1);
  return calls[0] as ReadableSpan;
}

// Each row its own destinations, so that concurrent rows never read one another's messages.
const ROWS = MATRIX_ROWS.map((row, index) => ({
  ...row,
  destination: `3461000${String(index).padStart(4, '0')}`,
}));

describe.concurrent.each(ROWS)('$label', (row) => {
  const telemetryOf = (otel: MemoryTelemetry): Partial<ChatClientConfig> => ({
    telemetry: { tracerProvider: otel.tracerProvider, meterProvider: otel.meterProvider },
  });
  const isOAuth = row.case.name === 'json-oauth';

  it('a call is an INTERNAL span with a CLIENT child per HTTP request, its trace id in each request, and measured', async () => {
    const otel = memoryTelemetry();
    await withSandbox(async (sandbox) => {
      const chat = clientFor(row.case, row.executor, sandbox.url, {
        ...FAST_RETRY,
        ...telemetryOf(otel),
      });
      try {
        await chat.getChatChannels();
      } finally {
        await chat.close();
      }
      const spans = otel.spans();
      const call = onlyCall(spans, 'getchatchannels');
      expect(call.kind).toBe(SpanKind.INTERNAL);
      expect(call.status.code).toBe(SpanStatusCode.UNSET);
      expect(call.attributes).toEqual({
        'afilnet.transport': row.case.name,
        'afilnet.method': 'getchatchannels',
      });
      const attempts = childrenOf(spans, call);
      expect(attempts).toHaveLength(isOAuth ? 2 : 1);
      const port = Number(new URL(sandbox.url).port);
      for (const attempt of attempts) {
        expect(attempt.kind).toBe(SpanKind.CLIENT);
        expect(attempt.name).toBe(attempt.attributes['http.request.method']);
        expect(attempt.attributes).toMatchObject({
          'server.address': '127.0.0.1',
          'server.port': port,
          'http.response.status_code': 200,
          'afilnet.transport': row.case.name,
        });
        expect(attempt.attributes['http.request.resend_count']).toBeUndefined();
        const full = String(attempt.attributes['url.full']);
        expect(full.startsWith(sandbox.url)).toBe(true);
        // A query's values (the GET flavours' password and parameters) never appear.
        for (const value of new URL(full).searchParams.values()) expect(value).toBe('REDACTED');
      }
      // The server saw the trace: each request's traceparent names the call's trace.
      const recorded = sandbox.requests();
      expect(recorded.map((r) => r.method)).toEqual(
        isOAuth ? ['token', 'getchatchannels'] : ['getchatchannels'],
      );
      for (const request of recorded) expect(request.traceId).toBe(call.spanContext().traceId);

      const calls = await otel.points('afilnet.client.call.duration');
      expect(calls.map((p) => [p.attributes, countOf(p)])).toEqual([
        [{ 'afilnet.transport': row.case.name, 'afilnet.method': 'getchatchannels' }, 1],
      ]);
      const requests = await otel.points('http.client.request.duration');
      expect(requests.reduce((sum, p) => sum + (countOf(p) ?? 0), 0)).toBe(isOAuth ? 2 : 1);
      for (const point of requests) {
        expect(Object.keys(point.attributes).sort()).toEqual(
          [
            'afilnet.transport',
            'http.request.method',
            'http.response.status_code',
            'server.address',
            'server.port',
          ].sort(),
        );
      }
    });
    await otel.shutdown();
  });

  it('a refused call ends its span with status ERROR, error.type and the afilnet error attributes', async () => {
    const otel = memoryTelemetry();
    await withSandbox(async (sandbox) => {
      const chat = clientFor(
        row.case,
        row.executor,
        sandbox.url,
        { ...FAST_RETRY, ...telemetryOf(otel) },
        {
          user: ROTATING_USER,
          password: 'not-the-password',
        },
      );
      try {
        const error = await failureOf(
          chat.sendMessage({ ...WHATSAPP, destination: `${row.destination}1`, message: 'refused' }),
        );
        expect((error as AfilnetApiError).code).toBe('INCORRECT_USER_PASSWORD');
      } finally {
        await chat.close();
      }
      const call = onlyCall(otel.spans(), 'sendmessage');
      expect(call.status).toEqual({
        code: SpanStatusCode.ERROR,
        message: 'INCORRECT_USER_PASSWORD',
      });
      expect(call.attributes).toMatchObject({
        'error.type': 'INCORRECT_USER_PASSWORD',
        'afilnet.error.code': 'INCORRECT_USER_PASSWORD',
        'afilnet.may_have_been_sent': false,
      });
      const calls = await otel.points('afilnet.client.call.duration');
      expect(calls.map((p) => p.attributes)).toEqual([
        {
          'afilnet.transport': row.case.name,
          'afilnet.method': 'sendmessage',
          'error.type': 'INCORRECT_USER_PASSWORD',
        },
      ]);
    });
    await otel.shutdown();
  });

  it('a 503 then a 429 are retried: resend counts on the attempts, one retry counted for each, one rate limit', async () => {
    const otel = memoryTelemetry();
    await withSandbox(
      async (sandbox) => {
        const chat = clientFor(row.case, row.executor, sandbox.url, {
          ...FAST_RETRY,
          ...telemetryOf(otel),
        });
        try {
          expect(await chat.getChatChannels()).toHaveLength(DEMO_ACCOUNT.channels.length);
        } finally {
          await chat.close();
        }
        const spans = otel.spans();
        const call = onlyCall(spans, 'getchatchannels');
        const api = childrenOf(spans, call).filter(
          (s) => !String(s.attributes['url.full']).includes('/oauth/'),
        );
        expect(
          api.map((s) => [
            s.attributes['http.request.resend_count'],
            s.attributes['http.response.status_code'],
          ]),
        ).toEqual([
          [undefined, 503],
          [1, 429],
          [2, 200],
        ]);
        expect(api.map((s) => [s.status.code, s.attributes['error.type']])).toEqual([
          [SpanStatusCode.ERROR, '503'],
          [SpanStatusCode.ERROR, '429'],
          [SpanStatusCode.UNSET, undefined],
        ]);
        const retries = await otel.points('afilnet.client.retries');
        expect(retries.map((p) => [p.attributes['error.type'], countOf(p)]).sort()).toEqual([
          ['HTTP_STATUS', 1],
          ['RATE_LIMITED', 1],
        ]);
        const limited = await otel.points('afilnet.client.rate_limits');
        expect(limited.map((p) => [p.attributes, countOf(p)])).toEqual([
          [{ 'afilnet.transport': row.case.name, 'afilnet.method': 'getchatchannels' }, 1],
        ]);
      },
      [
        { method: 'getchatchannels', times: 1, fault: { status: 503 } },
        { method: 'getchatchannels', times: 1, fault: { status: 429 } },
      ],
    );
    await otel.shutdown();
  });

  it('a password rotated mid-run: the function is asked again once, the refused sends are made again and stored once each', async () => {
    const otel = memoryTelemetry();
    await withSandbox(async (sandbox) => {
      let password = 'first-password';
      let asked = 0;
      const credentials = async (): Promise<Credentials> => {
        asked++;
        return { user: ROTATING_USER, password };
      };
      const chat = clientFor(row.case, row.executor, sandbox.url, {
        ...FAST_RETRY,
        ...telemetryOf(otel),
        credentials,
      });
      try {
        await chat.sendMessage({
          ...WHATSAPP,
          destination: `${row.destination}3`,
          message: 'before',
        });
        expect(asked).toBe(1);
        // The operator rotates the password (and, for OAuth, ends the tokens issued with it).
        sandbox.setPassword(ROTATING_USER, 'second-password');
        sandbox.revokeTokens();
        password = 'second-password';
        const destinations = [4, 5, 6].map((n) => `${row.destination}${n}`);
        await Promise.all(
          destinations.map((destination) =>
            chat.sendMessage({ ...WHATSAPP, destination, message: 'after' }),
          ),
        );
        expect(asked, 'one call of the function shared by the refused calls').toBe(2);
        for (const destination of destinations) {
          expect(
            sandbox.messages({ destination }).map((m) => m.message),
            destination,
          ).toEqual(['after']);
        }
        // The same answer again does not repeat a refused call.
        sandbox.setPassword(ROTATING_USER, 'third-password');
        sandbox.revokeTokens();
        const error = await failureOf(
          chat.sendMessage({ ...WHATSAPP, destination: `${row.destination}7`, message: 'refused' }),
        );
        expect((error as AfilnetApiError).code).toBe('INCORRECT_USER_PASSWORD');
        expect(asked).toBe(3);
        expect(sandbox.messages({ destination: `${row.destination}7` })).toEqual([]);
      } finally {
        await chat.close();
      }
      // Each refused send was made again as one more attempt of the same call.
      const spans = otel.spans();
      const sent = spans.filter(
        (s) => s.name === 'sendmessage' && s.status.code === SpanStatusCode.UNSET,
      );
      expect(sent).toHaveLength(4);
      const resent = sent.filter((call) =>
        childrenOf(spans, call).some((a) => a.attributes['http.request.resend_count'] === 1),
      );
      expect(resent, 'the three sends made after the rotation').toHaveLength(3);
    });
    await otel.shutdown();
  });
});

describe.concurrent.each(ROWS.filter((row) => row.case.name === 'json-oauth'))(
  '$label, a rotating client secret',
  (row) => {
    it('a client secret function: the token endpoint refusing the client makes it asked again, the send made again once', async () => {
      await withSandbox(async (sandbox) => {
        let secret = 'first-password';
        let asked = 0;
        const clientSecret = () => {
          asked++;
          return secret;
        };
        const chat = clientFor(row.case, row.executor, sandbox.url, {
          ...FAST_RETRY,
          oauth: { clientId: ROTATING_USER, clientSecret },
        });
        try {
          await chat.sendMessage({
            ...WHATSAPP,
            destination: `${row.destination}8`,
            message: 'before',
          });
          sandbox.setPassword(ROTATING_USER, 'second-password');
          sandbox.revokeTokens();
          secret = 'second-password';
          await chat.sendMessage({
            ...WHATSAPP,
            destination: `${row.destination}9`,
            message: 'after',
          });
          expect(asked).toBe(2);
          expect(
            sandbox.messages({ destination: `${row.destination}9` }).map((m) => m.message),
          ).toEqual(['after']);
          expect(sandbox.requests({ method: 'token' }).map((r) => r.status)).toEqual([
            200, 401, 200,
          ]);
        } finally {
          await chat.close();
        }
      });
    });
  },
);

describe('the afilnet-chat:call diagnostics channel', () => {
  it.each(MATRIX_ROWS)(
    '$label publishes start, end, asyncStart, asyncEnd and error with { transport, method }',
    async (row) => {
      const channel = tracingChannel('afilnet-chat:call');
      const events: Array<[string, Record<string, unknown>]> = [];
      const record = (name: string) => (message: unknown) =>
        events.push([name, { ...(message as Record<string, unknown>) }]);
      const handlers = {
        start: record('start'),
        end: record('end'),
        asyncStart: record('asyncStart'),
        asyncEnd: record('asyncEnd'),
        error: record('error'),
      };
      await withSandbox(async (sandbox) => {
        channel.subscribe(handlers);
        const chat = clientFor(row.case, row.executor, sandbox.url, FAST_RETRY, {
          user: ROTATING_USER,
          password: 'wrong-password',
        });
        const good = clientFor(row.case, row.executor, sandbox.url, FAST_RETRY);
        try {
          await good.getChatChannels();
          const failure = await failureOf(chat.getChatChannels());
          const context = { transport: row.case.name, method: 'getchatchannels' };
          expect(events).toEqual([
            ['start', context],
            ['end', context],
            ['asyncStart', context],
            ['asyncEnd', context],
            ['start', context],
            ['end', context],
            ['error', { ...context, error: failure }],
            ['asyncStart', { ...context, error: failure }],
            ['asyncEnd', { ...context, error: failure }],
          ]);
          expect((failure as AfilnetApiError).code).toBe('INCORRECT_USER_PASSWORD');
        } finally {
          channel.unsubscribe(handlers);
          await Promise.all([chat.close(), good.close()]);
        }
      });
    },
  );
});

describe('the global providers an SDK registers', () => {
  it("with no SDK registered nothing is traced and no traceparent is sent; once one is, calls are traced under the caller's span", async () => {
    const otel = memoryTelemetry();
    const row = MATRIX_ROWS.find((r) => r.case.name === 'post' && r.executor === 'undici')!;
    await withSandbox(async (sandbox) => {
      const chat = clientFor(row.case, row.executor, sandbox.url, FAST_RETRY);
      try {
        await chat.getChatChannels();
        expect(sandbox.requests().map((r) => r.traceId)).toEqual([undefined]);
        // Registered after the client was made, as an app's SDK may be.
        trace.setGlobalTracerProvider(otel.tracerProvider);
        metrics.setGlobalMeterProvider(otel.meterProvider);
        const app = trace.getTracer('app');
        await app.startActiveSpan('checkout', async (span) => {
          await chat.getChatChannels();
          span.end();
        });
      } finally {
        await chat.close();
        trace.disable();
        metrics.disable();
      }
      const spans = otel.spans();
      const checkout = onlyCall(spans, 'checkout');
      const call = onlyCall(spans, 'getchatchannels');
      expect(call.parentSpanContext?.spanId).toBe(checkout.spanContext().spanId);
      expect(childrenOf(spans, call)).toHaveLength(1);
      expect(sandbox.requests()[1]?.traceId).toBe(checkout.spanContext().traceId);
      expect((await otel.points('afilnet.client.call.duration')).map(countOf)).toEqual([1]);
    });
    await otel.shutdown();
  });
});
