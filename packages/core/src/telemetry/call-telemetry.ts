/**
 * A client's OpenTelemetry: a span per call (kind INTERNAL, named by the API method) whose
 * children are the HTTP attempts' CLIENT spans ({@link traceExecutor}), and the metrics
 * `afilnet.client.call.duration`, `http.client.request.duration`, `afilnet.client.retries` and
 * `afilnet.client.rate_limits`.
 *
 * Nothing happens without `@opentelemetry/api`; with it but no SDK registered (and no
 * `telemetry` option), a call costs two global look-ups and no object. Spans and metrics carry
 * names, codes, hosts and statuses only: never a credential, a token, a message or a destination.
 */
import type {
  Attributes,
  Context,
  Counter,
  Histogram,
  Meter,
  MeterProvider,
  Span,
  Tracer,
  TracerProvider,
} from '@opentelemetry/api';
import type { HttpExecutor } from '../http/http-executor.js';
import type { ChatMethod } from '../wire/methods.js';
import { errorTypeOf, mayHaveBeenSent } from './error-type.js';
import { loadOpenTelemetryApi, type OpenTelemetryApi } from './open-telemetry-api.js';
import {
  AFILNET_ATTRIBUTES,
  AFILNET_METRICS,
  DURATION_BUCKETS_SECONDS,
  HTTP_ATTRIBUTES,
  HTTP_CLIENT_REQUEST_DURATION,
  INSTRUMENTATION_SCOPE,
} from './semantic-conventions.js';
import type { TelemetryOptions } from './telemetry-options.js';
import { traceExecutor } from './traced-executor.js';

/** What one call reports to, while it runs. */
export interface CallObservation {
  /** The executor one attempt sends through: each request a span and a measurement. */
  traceAttempt(next: HttpExecutor, attempt: number): HttpExecutor;
  /** An attempt failed with `error`; `retrying` when another attempt follows. */
  attemptFailed(error: unknown, retrying: boolean): void;
  /** The call succeeded. Ends the observation. */
  succeeded(): void;
  /** The call failed with `error`, as the caller receives it. Ends the observation. */
  failed(error: unknown): void;
}

/** A client's telemetry. */
export interface ClientTelemetry {
  /** Loads `@opentelemetry/api` if installed; the client awaits it before its first call. Throws nothing. */
  prepare(): Promise<void>;
  /** Starts observing a call; `undefined` when nothing would record it. Throws nothing. */
  startCall(method: ChatMethod): CallObservation | undefined;
}

/** The instruments of one meter. */
interface Instruments {
  readonly provider: MeterProvider;
  /** True for the API's no-op meter: no SDK registered. */
  readonly noop: boolean;
  readonly callDuration: Histogram;
  readonly requestDuration: Histogram;
  readonly retries: Counter;
  readonly rateLimits: Counter;
}

function instrumentsOf(provider: MeterProvider, noopMeter: new () => Meter): Instruments {
  const meter = provider.getMeter(INSTRUMENTATION_SCOPE);
  const seconds = {
    unit: 's',
    advice: { explicitBucketBoundaries: [...DURATION_BUCKETS_SECONDS] },
  };
  return {
    provider,
    noop: meter instanceof noopMeter,
    callDuration: meter.createHistogram(AFILNET_METRICS.CALL_DURATION, {
      ...seconds,
      description: 'Duration of Afilnet API calls, retries and waits included.',
    }),
    requestDuration: meter.createHistogram(HTTP_CLIENT_REQUEST_DURATION, {
      ...seconds,
      description: 'Duration of HTTP client requests.',
    }),
    retries: meter.createCounter(AFILNET_METRICS.RETRIES, {
      unit: '{attempt}',
      description: 'Attempts made again after a failure.',
    }),
    rateLimits: meter.createCounter(AFILNET_METRICS.RATE_LIMITS, {
      unit: '{response}',
      description: 'Attempts the server refused with HTTP 429 (rate limit).',
    }),
  };
}

class Observation implements CallObservation {
  private readonly started = performance.now();
  private readonly span: Span | undefined;
  private readonly context: Context;
  private readonly attributes: Attributes;

  constructor(
    private readonly api: OpenTelemetryApi,
    private readonly tracer: Tracer | undefined,
    private readonly instruments: Instruments,
    private readonly transport: string,
    method: ChatMethod,
  ) {
    this.attributes = {
      [AFILNET_ATTRIBUTES.TRANSPORT]: transport,
      [AFILNET_ATTRIBUTES.METHOD]: method,
    };
    const parent = api.context.active();
    this.span = tracer?.startSpan(
      method,
      { kind: api.SpanKind.INTERNAL, attributes: this.attributes },
      parent,
    );
    this.context = this.span === undefined ? parent : api.trace.setSpan(parent, this.span);
  }

  traceAttempt(next: HttpExecutor, attempt: number): HttpExecutor {
    return traceExecutor(next, {
      api: this.api,
      tracer: this.tracer,
      context: this.context,
      requestDuration: this.instruments.requestDuration,
      transport: this.transport,
      attempt,
    });
  }

  attemptFailed(error: unknown, retrying: boolean): void {
    const type = errorTypeOf(error);
    if (type === 'RATE_LIMITED') this.instruments.rateLimits.add(1, this.attributes);
    if (retrying)
      this.instruments.retries.add(1, { ...this.attributes, [HTTP_ATTRIBUTES.ERROR_TYPE]: type });
  }

  succeeded(): void {
    this.end(undefined, undefined);
  }

  failed(error: unknown): void {
    this.end(errorTypeOf(error), error);
  }

  private end(type: string | undefined, error: unknown): void {
    this.instruments.callDuration.record(
      (performance.now() - this.started) / 1000,
      type === undefined
        ? this.attributes
        : { ...this.attributes, [HTTP_ATTRIBUTES.ERROR_TYPE]: type },
    );
    const span = this.span;
    if (span === undefined) return;
    if (type !== undefined) {
      span.setAttributes({
        [HTTP_ATTRIBUTES.ERROR_TYPE]: type,
        [AFILNET_ATTRIBUTES.ERROR_CODE]: type,
        [AFILNET_ATTRIBUTES.MAY_HAVE_BEEN_SENT]: mayHaveBeenSent(error),
      });
      // An abort is the caller's decision: the span ends without an error status.
      if (type !== 'ABORTED')
        span.setStatus({ code: this.api.SpanStatusCode.ERROR, message: type });
    }
    span.end();
  }
}

/**
 * Creates the telemetry of a client whose transport is `transport`. `options` replaces the
 * global providers. Throws nothing.
 */
export function createClientTelemetry(
  transport: string,
  options: TelemetryOptions | undefined,
): ClientTelemetry {
  let api: OpenTelemetryApi | null | undefined;
  let noopTracerProvider: TracerProvider | undefined;
  let noopMeter: (new () => Meter) | undefined;
  let instruments: Instruments | undefined;
  const ownTracerProvider = options?.tracerProvider as TracerProvider | undefined;
  const ownMeterProvider = options?.meterProvider as MeterProvider | undefined;
  let ownTracer: Tracer | undefined;

  /** The tracer of this call, or undefined when no SDK would record its spans. */
  function tracerNow(lib: OpenTelemetryApi): Tracer | undefined {
    if (ownTracerProvider !== undefined)
      return (ownTracer ??= ownTracerProvider.getTracer(INSTRUMENTATION_SCOPE));
    // The global provider is a proxy whose delegate is the API's no-op one until an SDK registers.
    const global = lib.trace.getTracerProvider();
    if (global instanceof lib.ProxyTracerProvider && global.getDelegate() === noopTracerProvider)
      return undefined;
    return global.getTracer(INSTRUMENTATION_SCOPE);
  }

  function instrumentsNow(lib: OpenTelemetryApi): Instruments {
    // The global meter provider has no proxy: it is looked up again, in case one was registered since.
    const provider = ownMeterProvider ?? lib.metrics.getMeterProvider();
    if (instruments?.provider !== provider)
      instruments = instrumentsOf(provider, noopMeter as new () => Meter);
    return instruments;
  }

  return {
    async prepare() {
      if (api !== undefined) return;
      const lib = await loadOpenTelemetryApi();
      if (lib !== null) {
        noopTracerProvider = new lib.ProxyTracerProvider().getDelegate();
        noopMeter = lib.createNoopMeter().constructor as new () => Meter;
      }
      api = lib;
    },
    startCall(method) {
      const lib = api;
      if (lib === undefined || lib === null) return undefined;
      const tracer = tracerNow(lib);
      const measured = instrumentsNow(lib);
      if (tracer === undefined && measured.noop) return undefined;
      return new Observation(lib, tracer, measured, transport, method);
    },
  };
}
