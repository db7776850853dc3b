/**
 * `--metrics-port`: the client's OpenTelemetry metrics in Prometheus text format on
 * `http://127.0.0.1:<port>/metrics`, for long-running commands. OpenTelemetry's own Prometheus
 * exporter renders them, so their names are the ones it gives (`http_client_request_duration_seconds`,
 * `afilnet_client_call_duration_seconds`); the server is ours, so that it binds loopback only and
 * port 0 means any free port.
 *
 * @see https://prometheus.io/docs/instrumenting/exposition_formats/
 * @see https://opentelemetry.io/docs/specs/otel/compatibility/prometheus_and_openmetrics/
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MeterProvider } from '@opentelemetry/api';

/** The option every long-running command takes. */
export const METRICS_PORT_OPTION = {
  name: 'metrics-port',
  type: 'string',
  valueName: '<n>',
  description:
    'Serve Prometheus metrics on http://127.0.0.1:<n>/metrics while running (0: any free port)',
} as const;

/** The client's histograms in seconds. */
const SECONDS_HISTOGRAMS = [
  'http.client.request.duration',
  'afilnet.client.call.duration',
] as const;

/** A running `/metrics` endpoint. */
export interface MetricsEndpoint {
  /** The URL Prometheus scrapes. */
  readonly url: string;
  /** What the client reports to (its `telemetry.meterProvider`), and the command's own metrics. */
  readonly meterProvider: MeterProvider;
  /** Stops serving; resolves once the port is free. */
  close(): Promise<void>;
}

/**
 * Starts serving on `host:port`. The OpenTelemetry packages are imported here, only when the
 * option is given.
 *
 * @throws the listen error (`EADDRINUSE`, `EACCES`).
 */
export async function startMetricsEndpoint(
  port: number,
  host = '127.0.0.1',
): Promise<MetricsEndpoint> {
  const [{ PrometheusExporter }, { MeterProvider }] = await Promise.all([
    import('@opentelemetry/exporter-prometheus'),
    import('@opentelemetry/sdk-metrics'),
  ]);
  const exporter = new PrometheusExporter({ preventServerStart: true });
  // The exporter releases that run on Node 20 leave out the unit suffix OpenTelemetry's
  // Prometheus compatibility rules ask for (and later releases add): the views add it, so that
  // the names are the same whichever release serves them.
  const views = SECONDS_HISTOGRAMS.map((name) => ({
    instrumentName: name,
    name: `${name}_seconds`,
  }));
  const meterProvider = new MeterProvider({ readers: [exporter], views });
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (req.method === 'GET' && path === '/metrics') {
      exporter.getMetricsRequestHandler(req, res);
      return;
    }
    res.statusCode = 404;
    res.end('Not Found\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}/metrics`,
    meterProvider,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await meterProvider.shutdown();
    },
  };
}
