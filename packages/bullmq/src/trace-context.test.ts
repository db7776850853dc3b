import { SpanStatusCode, trace } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { DelayedError, RateLimitError, UnrecoverableError, WaitingChildrenError } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inConsumerSpan } from './trace-context.js';

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
beforeAll(() => {
  trace.setGlobalTracerProvider(provider);
});
afterAll(async () => {
  trace.disable();
  await provider.shutdown();
});

/** The span `inConsumerSpan` made for work that threw `error`. */
async function spanOf(error: Error) {
  exporter.reset();
  await expect(
    inConsumerSpan({ queueName: 'q', carried: undefined }, async () => {
      throw error;
    }),
  ).rejects.toBe(error);
  const [span] = exporter.getFinishedSpans();
  expect(span?.name).toBe('process q');
  return span;
}

describe('inConsumerSpan', () => {
  it.each([
    ['DelayedError', new DelayedError(), 'job delayed'],
    ['RateLimitError', new RateLimitError(), 'job rate limited'],
    ['WaitingChildrenError', new WaitingChildrenError(), 'job waiting'],
  ])(
    'leaves the status unset for %s, which asks BullMQ to run the job later',
    async (_, error, event) => {
      const span = await spanOf(error);
      expect(span?.status.code).toBe(SpanStatusCode.UNSET);
      expect(span?.events.map((e) => e.name)).toEqual([event]);
    },
  );

  it('marks a failure as an error with its code, never its message', async () => {
    const failure = Object.assign(new Error('to +34600000000: refused'), { code: 'HTTP_503' });
    const span = await spanOf(failure);
    expect(span?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'HTTP_503' });
    const unrecoverable = await spanOf(new UnrecoverableError('secret text'));
    expect(unrecoverable?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'Error' });
    expect(JSON.stringify(unrecoverable?.events)).not.toContain('secret text');
  });
});
