/**
 * The OpenTelemetry SDK with in-memory exporters: what a test reads a client's spans and metrics
 * from, as an app's SDK would export them.
 */
import { context, propagation } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  type DataPoint,
  type Histogram,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';

/** A tracer and a meter provider whose output a test reads. */
export interface MemoryTelemetry {
  readonly tracerProvider: BasicTracerProvider;
  readonly meterProvider: MeterProvider;
  /** The spans ended so far. */
  spans(): ReadableSpan[];
  /** Every data point of metric `name` recorded so far (cumulative). */
  points(name: string): Promise<Array<DataPoint<number | Histogram>>>;
  shutdown(): Promise<void>;
}

/** Creates providers exporting to memory. */
export function memoryTelemetry(): MemoryTelemetry {
  const spanExporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(spanExporter)],
  });
  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  // Exports only when asked (forceFlush): an hour is longer than any test.
  const reader = new PeriodicExportingMetricReader({
    exporter: metricExporter,
    exportIntervalMillis: 3_600_000,
  });
  const meterProvider = new MeterProvider({ readers: [reader] });
  return {
    tracerProvider,
    meterProvider,
    spans: () => spanExporter.getFinishedSpans(),
    async points(name) {
      metricExporter.reset();
      await reader.forceFlush();
      const found: Array<DataPoint<number | Histogram>> = [];
      for (const resource of metricExporter.getMetrics()) {
        for (const scope of resource.scopeMetrics) {
          for (const metric of scope.metrics) {
            if (metric.descriptor.name === name)
              found.push(...(metric.dataPoints as Array<DataPoint<number | Histogram>>));
          }
        }
      }
      return found;
    },
    async shutdown() {
      await Promise.all([tracerProvider.shutdown(), meterProvider.shutdown()]);
    },
  };
}

/**
 * Registers what an app's SDK registers besides providers: the W3C trace-context propagator
 * and an AsyncLocalStorage context manager. Answers the function that removes them.
 */
export function registerPropagation(): () => void {
  const manager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(manager);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  return () => {
    propagation.disable();
    context.disable();
  };
}

/** The count of a histogram data point (a value for a counter). */
export function countOf(point: DataPoint<number | Histogram> | undefined): number | undefined {
  if (point === undefined) return undefined;
  return typeof point.value === 'number' ? point.value : point.value.count;
}
