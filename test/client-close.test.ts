/**
 * `close()` on every flavour × executor (docs/behaviour.md#closing): active watches end within 100 ms, whether
 * polling or backing off, and keep what they fetched for `takeUndelivered()`; calls in flight
 * finish (or fail) within their own deadline and `close()` resolves after them; calls made
 * afterwards fail with `ABORTED` and are not sent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AfilnetTransportError } from '@afilnet-chat/core';
import { startSandbox, type Sandbox } from '@afilnet-chat/sandbox';
import { DEMO } from './support/account.js';
import { clientFor } from './support/case-client.js';
import { failureOf } from './support/collect-errors.js';
import {
  answer,
  stallBeforeHeaders,
  startMisbehavingServer,
  type Behaviour,
  type MisbehavingServer,
} from './support/misbehaving-server.js';
import { MATRIX_ROWS } from './support/transport-cases.js';
import { CONTENT_TYPE, successBody } from './support/wire-bodies.js';
import { waitFor } from './support/wait-for.js';

/** How soon after close() an active watch must have finished. */
const WATCH_END_MS = 100;
/** How long a request may take to reach the server on a busy 2-core machine. */
const BUSY_MACHINE_MS = 5_000;

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(() => sandbox.close());

async function withServer(
  behaviour: Behaviour,
  run: (server: MisbehavingServer) => Promise<void>,
): Promise<void> {
  const server = await startMisbehavingServer(behaviour);
  try {
    await run(server);
  } finally {
    await server.close();
  }
}

/** Resolves `{ done: true }` within `WATCH_END_MS` of close(), or fails saying how long it took. */
async function expectEndsSoon(
  pending: Promise<IteratorResult<unknown>>,
  close: () => Promise<void>,
): Promise<void> {
  const started = performance.now();
  const closing = close();
  await expect(pending).resolves.toEqual({ done: true, value: undefined });
  expect(performance.now() - started, 'the watch ended after close()').toBeLessThan(WATCH_END_MS);
  await closing;
}

describe.concurrent.each(
  MATRIX_ROWS.map((row, index) => ({
    ...row,
    destination: `3462000${String(index).padStart(4, '0')}`,
  })),
)('$label', (row) => {
  const format = row.case.bodyFormat;
  const ref = { platform: 'whatsapp', platformId: '100', destination: row.destination } as const;

  it('close() during a poll ends the watch within 100 ms', async () => {
    await withServer(stallBeforeHeaders, async (server) => {
      const chat = clientFor(row.case, row.executor, server.url, { timeoutMs: 10_000 });
      const watch = chat.watchUnreadMessages({ ...ref, intervalMs: 20 });
      const pending = watch.next();
      await waitFor(() => server.stats.apiRequests === 1, BUSY_MACHINE_MS);
      await expectEndsSoon(pending, () => chat.close());
      await expect(watch.next()).resolves.toEqual({ done: true, value: undefined });
    });
  });

  it('close() during a backoff ends the watch within 100 ms', async () => {
    await withServer(answer(503, 'text/html', '<p>busy</p>'), async (server) => {
      const chat = clientFor(row.case, row.executor, server.url, {
        timeoutMs: 10_000,
        retry: false,
      });
      let backingOff = false;
      const watch = chat.watchUnreadMessages({
        ...ref,
        intervalMs: 30_000,
        onRetry: () => {
          backingOff = true;
        },
      });
      const pending = watch.next();
      await waitFor(() => backingOff, BUSY_MACHINE_MS);
      await expectEndsSoon(pending, () => chat.close());
    });
  });

  it('close() keeps what the watch fetched for takeUndelivered()', async () => {
    const chat = clientFor(row.case, row.executor, sandbox.url);
    for (const text of ['a', 'b', 'c'])
      sandbox.injectInbound({ user: DEMO.user, ...ref, message: text });
    const watch = chat.watchUnreadMessages({ ...ref, intervalMs: 20 });
    expect((await watch.next()).value).toMatchObject({ message: 'a' });
    await chat.close();
    await expect(watch.next()).resolves.toEqual({ done: true, value: undefined });
    expect(watch.takeUndelivered().map((m) => m.message)).toEqual(['b', 'c']);
  });

  it('close() waits for a call in flight, which succeeds; later calls are ABORTED and not sent', async () => {
    const slow: Behaviour = (exchange) => {
      setTimeout(
        () => void answer(200, CONTENT_TYPE[format], successBody(format, 'sendmessage'))(exchange),
        200,
      );
    };
    await withServer(slow, async (server) => {
      const chat = clientFor(row.case, row.executor, server.url, { timeoutMs: 5_000 });
      const events: string[] = [];
      const sending = chat
        .sendMessage({ ...ref, message: 'in flight' })
        .then(() => events.push('sent'));
      await waitFor(() => server.stats.apiRequests === 1, BUSY_MACHINE_MS);
      await chat.close().then(() => events.push('closed'));
      await sending;
      expect(events).toEqual(['sent', 'closed']);
      const late = await failureOf(chat.sendMessage({ ...ref, message: 'too late' }));
      expect(late).toBeInstanceOf(AfilnetTransportError);
      expect(late).toMatchObject({ code: 'ABORTED', mayHaveBeenSent: false });
      expect(server.stats.apiRequests).toBe(1);
    });
  });

  it('close() waits for a stalled call until its own deadline', async () => {
    await withServer(stallBeforeHeaders, async (server) => {
      const chat = clientFor(row.case, row.executor, server.url, { timeoutMs: 300, retry: false });
      const events: string[] = [];
      const reading = failureOf(chat.getChatChannels()).then((error) => {
        events.push('failed');
        return error;
      });
      await waitFor(() => server.stats.apiRequests === 1, BUSY_MACHINE_MS);
      await chat.close().then(() => events.push('closed'));
      expect(events).toEqual(['failed', 'closed']);
      await expect(reading).resolves.toMatchObject({ code: 'TIMEOUT' });
    });
  });
});
