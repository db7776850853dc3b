/**
 * The `telemetry` option: the OpenTelemetry providers a client reports to instead of the
 * globals an SDK registers. Typed by shape, so that core's types never name
 * `@opentelemetry/api` (an app without it still compiles); any `TracerProvider` and
 * `MeterProvider` of `@opentelemetry/api` 1.x fits.
 */

/** A `TracerProvider` of `@opentelemetry/api`. */
export interface TracerProviderLike {
  /** Returns the tracer of the named instrumentation scope. */
  getTracer(name: string, version?: string): object;
}

/** A `MeterProvider` of `@opentelemetry/api`. */
export interface MeterProviderLike {
  /** Returns the meter of the named instrumentation scope. */
  getMeter(name: string, version?: string): object;
}

/**
 * Where a client's spans and metrics go. Each provider left out is the global one (what
 * `NodeSDK.start()` or `trace.setGlobalTracerProvider` registered), looked up on each call, so
 * a provider registered after the client was made is still used.
 *
 * @see https://opentelemetry.io/docs/languages/js/getting-started/nodejs/
 */
export interface TelemetryOptions {
  /** Where spans go (default: the global tracer provider). */
  readonly tracerProvider?: TracerProviderLike;
  /** Where metrics go (default: the global meter provider). */
  readonly meterProvider?: MeterProviderLike;
}
