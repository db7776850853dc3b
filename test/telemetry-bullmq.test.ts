/**
 * One trace from the app to the HTTP attempts across a BullMQ queue, on a real Redis and the
 * sandbox: the code that queues a send leaves its trace context in the job, the worker's span
 * continues it, and the client's call and attempt spans are its children; with BullMQ's own
 * telemetry (bullmq-otel) passed through, BullMQ's producer and consumer spans join the same trace.
 * Receiving, the same from the poll that found a message to the handler of its job: the handler's
 * span continues the poll's, whose calls found the message.
 */
import { SpanKind, trace } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { BullMQOtel } from 'bullmq-otel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createInboundPoller,
  createInboundWorker,
  createSendQueue,
  createSendWorker,
  type InboundPoller,
} from '@afilnet-chat/bullmq';
import { createChatClient, type ChatMessage } from '@afilnet-chat/core';
import { startSandbox, type Sandbox } from '@afilnet-chat/sandbox';
import { DEMO } from './support/account.js';
import {
  memoryTelemetry,
  registerPropagation,
  type MemoryTelemetry,
} from './support/otel-memory.js';
import { waitFor } from './support/wait-for.js';
import { startRedisServer, type RedisServer } from '../scripts/redis-server.mjs';

let redisServer: RedisServer;
let sandbox: Sandbox;
let otel: MemoryTelemetry;
let unregister: () => void;

beforeAll(async () => {
  [redisServer, sandbox] = await Promise.all([startRedisServer(), startSandbox()]);
  otel = memoryTelemetry();
  unregister = registerPropagation();
  trace.setGlobalTracerProvider(otel.tracerProvider);
});

afterAll(async () => {
  trace.disable();
  unregister?.();
  await Promise.all([redisServer?.stop(), sandbox?.close(), otel?.shutdown()]);
});

const connection = () => ({
  host: '127.0.0.1',
  port: redisServer.port,
  maxRetriesPerRequest: null,
});

const parentOf = (spans: readonly ReadableSpan[], span: ReadableSpan) =>
  spans.find((s) => s.spanContext().spanId === span.parentSpanContext?.spanId);

describe.each([
  { label: 'job data alone', bullmq: false },
  { label: "with BullMQ's own telemetry", bullmq: true },
])('app → queue → worker → HTTP attempts in one trace ($label)', ({ bullmq }) => {
  it('the worker span continues the trace of the code that queued the send', async () => {
    const queueName = `otel-${bullmq ? 'bullmq' : 'data'}-${Date.now()}`;
    const telemetry = bullmq ? { telemetry: new BullMQOtel({ tracerName: 'afilnet-test' }) } : {};
    const queue = createSendQueue({ connection: connection(), queueName, ...telemetry });
    const client = createChatClient({
      transport: 'post',
      baseUrl: sandbox.url,
      credentials: DEMO,
      allowInsecureHttp: true,
    });
    const worker = createSendWorker({ connection: connection(), queueName, client, ...telemetry });
    const destination = bullmq ? '34620000001' : '34620000002';
    try {
      if (bullmq) expect(worker.opts.telemetry).toBe(telemetry.telemetry);
      const checkout = await trace.getTracer('app').startActiveSpan('checkout', async (span) => {
        await queue.sendMessage(
          { platform: 'whatsapp', platformId: '100', destination, message: 'queued in a trace' },
          { idempotencyKey: queueName },
        );
        span.end();
        return span;
      });
      await waitFor(async () => (await queue.outcome(queueName)) === 'sent', 20_000, 50);
      const traceId = checkout.spanContext().traceId;
      await waitFor(() => otel.spans().some((s) => s.name === `process ${queueName}`), 10_000);
      const spans = otel.spans().filter((s) => s.spanContext().traceId === traceId);
      const call = spans.find((s) => s.name === 'sendmessage');
      expect(call, 'the call span is in the trace').toBeDefined();
      const worked = parentOf(spans, call as ReadableSpan);
      expect(worked?.name).toBe(`process ${queueName}`);
      expect(worked?.kind).toBe(SpanKind.CONSUMER);
      const attempts = spans.filter(
        (s) => s.parentSpanContext?.spanId === call?.spanContext().spanId,
      );
      expect(attempts.map((s) => s.kind)).toEqual([SpanKind.CLIENT]);
      // Up the chain, whatever BullMQ adds in between, the trace starts at the app's span.
      let top: ReadableSpan | undefined = worked;
      while (top !== undefined && parentOf(spans, top) !== undefined) top = parentOf(spans, top);
      expect(top?.name).toBe('checkout');
      if (bullmq)
        expect(
          spans.some((s) => s.kind === SpanKind.PRODUCER),
          'BullMQ producer span',
        ).toBe(true);
      expect(
        sandbox.requests({ method: 'sendmessage' }).filter((r) => r.traceId === traceId),
      ).toHaveLength(1);
    } finally {
      await worker.close();
      await queue.close();
      await client.close();
    }
  });
});

describe.each([
  { label: 'job data alone', bullmq: false },
  { label: "with BullMQ's own telemetry", bullmq: true },
])('poll → message job → handler in one trace ($label)', ({ bullmq }) => {
  it("the handler's span continues the trace of the poll that found the message", async () => {
    const queueName = `otel-in-${bullmq ? 'bullmq' : 'data'}-${Date.now()}`;
    const telemetry = bullmq ? { telemetry: new BullMQOtel({ tracerName: 'afilnet-test' }) } : {};
    const client = createChatClient({
      transport: 'post',
      baseUrl: sandbox.url,
      credentials: DEMO,
      allowInsecureHttp: true,
    });
    const destination = bullmq ? '34621000001' : '34621000002';
    const channel = { platform: 'whatsapp', platformId: '100' } as const;
    const handled: Array<{ message: ChatMessage; traceId: string | undefined }> = [];
    const worker = createInboundWorker(
      { connection: connection(), queueName, ...telemetry },
      async (message) => {
        // The handler's own call (a reply) is a span of the same trace.
        await client.getChats(channel);
        handled.push({ message, traceId: trace.getActiveSpan()?.spanContext().traceId });
      },
    );
    let poller: InboundPoller | undefined;
    try {
      poller = await createInboundPoller({
        connection: connection(),
        queueName,
        client,
        intervalMs: 200,
        channels: [channel],
        ...telemetry,
      });
      const { messageId } = sandbox.injectInbound({
        user: DEMO.user,
        ...channel,
        destination,
        message: 'found in a trace',
      });
      await waitFor(() => handled.some((h) => h.message.messageId === messageId), 20_000, 50);
      // The handler has returned, but BullMQ moves its job to "completed" after that.
      const queue = poller.queue;
      const completed = async () =>
        (await queue.getJobs(['completed'])).find((j) => j.data.message.messageId === messageId);
      await waitFor(async () => (await completed()) !== undefined, 20_000, 50);
      const job = await completed();
      expect(
        job?.data.traceContext?.traceparent,
        "the job carries the poll's trace context",
      ).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/);
      const traceId = handled.find((h) => h.message.messageId === messageId)?.traceId;
      expect(traceId).toBeDefined();
      expect(job?.data.traceContext?.traceparent).toContain(traceId);

      await waitFor(
        () =>
          otel
            .spans()
            .some((s) => s.name === `process ${queueName}` && s.spanContext().traceId === traceId),
        10_000,
      );
      const spans = otel.spans().filter((s) => s.spanContext().traceId === traceId);
      const handler = spans.find((s) => s.name === `process ${queueName}`) as ReadableSpan;
      expect(handler.kind).toBe(SpanKind.CONSUMER);
      expect(handler.attributes['messaging.destination.name']).toBe(queueName);
      // The handler's call is the handler span's child.
      const reply = spans.find(
        (s) =>
          s.name === 'getchats' && s.parentSpanContext?.spanId === handler.spanContext().spanId,
      );
      expect(reply, "the handler's call span").toBeDefined();
      // Up the chain, whatever BullMQ adds in between, is the poll's span, whose calls found the message.
      let poll: ReadableSpan | undefined = parentOf(spans, handler);
      while (poll !== undefined && poll.name !== `process ${queueName}-poll`)
        poll = parentOf(spans, poll);
      expect(poll?.kind).toBe(SpanKind.CONSUMER);
      const pollCalls = spans
        .filter((s) => s.parentSpanContext?.spanId === poll?.spanContext().spanId)
        .map((s) => s.name);
      expect(pollCalls).toContain('getunreadmessages');
      if (bullmq)
        expect(
          spans.some((s) => s.kind === SpanKind.PRODUCER),
          'BullMQ producer span',
        ).toBe(true);
      // Nothing of the message in any span of the trace.
      for (const span of spans)
        expect(JSON.stringify(span.attributes)).not.toMatch(/found in a trace|34621/);
    } finally {
      await poller?.close();
      await worker.close();
      await client.close();
    }
  });
});
