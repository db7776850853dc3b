/** A running Prometheus (scripts/prometheus-server.mjs). */
export interface PrometheusServer {
  readonly url: string;
  /** An instant query through the HTTP API; its `data.result`. */
  query(expr: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>>;
  stop(): Promise<void>;
}

export declare const PROMETHEUS_PACKAGE: string;
export declare const PROMETHEUS_INSTALL_COMMAND: string;
export declare function ensurePrometheus(): string;
export declare function startPrometheus(options: {
  targets: readonly string[];
  intervalSeconds?: number;
}): Promise<PrometheusServer>;
