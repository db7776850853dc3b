/**
 * The trace context across a queue, the one definition for every queue of this package: the
 * producer leaves the context it runs in inside the job's data ({@link currentTraceContext}),
 * the consumer runs its work in a CONSUMER span continuing it ({@link inConsumerSpan}). As
 * BullMQ does with its own telemetry (bullmq-otel), but in the job's data, so that it works
 * without BullMQ's telemetry too. Without `@opentelemetry/api` installed, nothing of it is loaded
 * and both are pass-throughs.
 *
 * @see https://www.w3.org/TR/trace-context/
 * @see https://opentelemetry.io/docs/specs/semconv/messaging/messaging-spans/
 */
import { loadOpenTelemetryApi, type OpenTelemetryApi } from '@afilnet-chat/core/transport';

/**
 * A trace context as the app's registered propagator writes it (W3C Trace Context by default:
 * `traceparent`, `tracestate`), carried in a job's data so that the worker's span continues the
 * trace of the code that queued the job. Absent without OpenTelemetry.
 *
 * @see https://www.w3.org/TR/trace-context/
 */
export type TraceCarrier = Readonly<Record<string, string>>;

/** The tracer's instrumentation scope. */
const TRACER_NAME = '@afilnet-chat/bullmq';

/** The API once loaded (`null`: not installed), so that a job's span awaits nothing more. */
let loaded: OpenTelemetryApi | null | undefined;
/** The API's no-op tracer provider, the global provider's delegate until an SDK registers one. */
let noopTracerProvider: unknown;

/** Whether a span of the global tracer would be recorded: false until an SDK registers. */
function globalTracerRecords(api: OpenTelemetryApi): boolean {
  noopTracerProvider ??= new api.ProxyTracerProvider().getDelegate();
  const global = api.trace.getTracerProvider();
  return !(
    global instanceof api.ProxyTracerProvider && global.getDelegate() === noopTracerProvider
  );
}

/**
 * The trace context of the code running now, through the app's registered propagator;
 * `undefined` without OpenTelemetry or outside any trace. Throws nothing.
 */
export async function currentTraceContext(): Promise<TraceCarrier | undefined> {
  if (loaded === undefined) loaded = await loadOpenTelemetryApi();
  const api = loaded;
  if (api === null) return undefined;
  const carrier: Record<string, string> = {};
  api.propagation.inject(api.context.active(), carrier);
  return Object.keys(carrier).length === 0 ? undefined : carrier;
}

/**
 * The event of a BullMQ control-flow error, which asks BullMQ to run the job later rather than
 * report a failure (`DelayedError`, `WaitingError`, `WaitingChildrenError`, and the rate limit's
 * error): matched by name and message, as BullMQ's worker matches them, so that another copy of
 * bullmq is recognised too. Undefined for any other error.
 */
function postponement(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  if (error.name === 'RateLimitError' || error.message === 'bullmq:rateLimitExceeded')
    return 'job rate limited';
  if (error.name === 'DelayedError') return 'job delayed';
  if (error.name === 'WaitingError' || error.name === 'WaitingChildrenError') return 'job waiting';
  return undefined;
}

/** Where a consumer span runs and what it says. */
export interface ConsumerSpan {
  /** The queue the job came from: the span is `process <queue>`. */
  readonly queueName: string;
  /** The trace context the producer left in the job, if any. */
  readonly carried: TraceCarrier | undefined;
  /** More attributes (never a credential, a destination or a message text). */
  readonly attributes?: Readonly<Record<string, string>>;
}

/**
 * Runs `work` in a CONSUMER span `process <queue>` continuing the trace of `carried` (or, when a
 * span is already active, such as BullMQ's own consumer span with its telemetry on, which
 * continues that trace already, inside that one), so that the spans `work` makes join the
 * producer's trace. A rejection sets the span's status to ERROR with the error's `code` (or
 * `Error`), never its message, and is passed on; BullMQ's signals to run the job later
 * (`DelayedError`, the rate limit's error…) leave the status unset and add an event. Without
 * OpenTelemetry, or with no SDK registered and no trace carried, just `work()`.
 */
export async function inConsumerSpan<T>(span: ConsumerSpan, work: () => Promise<T>): Promise<T> {
  if (loaded === undefined) loaded = await loadOpenTelemetryApi();
  const api = loaded;
  if (api === null) return work();
  // No SDK and no trace to continue: the span would be a non-recording one, continuing nothing
  // (the context already active stays the parent of what `work` starts), so none is made.
  if (span.carried === undefined && !globalTracerRecords(api)) return work();
  const active = api.context.active();
  const parent =
    api.trace.getSpan(active) === undefined && span.carried !== undefined
      ? api.propagation.extract(active, span.carried)
      : active;
  const attributes = {
    'messaging.system': 'bullmq',
    'messaging.destination.name': span.queueName,
    ...span.attributes,
  };
  return api.trace
    .getTracer(TRACER_NAME)
    .startActiveSpan(
      `process ${span.queueName}`,
      { kind: api.SpanKind.CONSUMER, attributes },
      parent,
      async (current) => {
        try {
          return await work();
        } catch (error) {
          const postponed = postponement(error);
          if (postponed !== undefined) {
            // BullMQ's signals to run the job later: the work did not fail, so the status stays
            // unset (as BullMQ's own telemetry treats them) and an event says what happened.
            current.addEvent(postponed);
            throw error;
          }
          const code = (error as { code?: unknown } | null)?.code;
          current.setStatus({
            code: api.SpanStatusCode.ERROR,
            message: typeof code === 'string' ? code : 'Error',
          });
          throw error;
        } finally {
          current.end();
        }
      },
    );
}
