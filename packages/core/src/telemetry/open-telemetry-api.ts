/**
 * `@opentelemetry/api`, an optional peer dependency: imported once, by the first call of the
 * first client, never when core itself is imported; absent, it is never asked for again and
 * nothing of OpenTelemetry runs.
 */

/** The API's module, as the app installed it. */
export type OpenTelemetryApi = typeof import('@opentelemetry/api');

let api: OpenTelemetryApi | null | undefined;
let loading: Promise<OpenTelemetryApi | null> | undefined;

/**
 * Imports `@opentelemetry/api` once per process; `null` when it is not installed (or cannot be
 * loaded). Throws nothing.
 */
export function loadOpenTelemetryApi(): Promise<OpenTelemetryApi | null> {
  // A literal specifier, so that a bundler can follow it (and leave it out when the app has no
  // OpenTelemetry); core's own bundle keeps it external, resolved from the app's node_modules.
  loading ??= import('@opentelemetry/api').then(
    (lib: OpenTelemetryApi) => (api = lib),
    () => (api = null),
  );
  return loading;
}

/** The API once {@link loadOpenTelemetryApi} has settled: the module, `null` (absent) or `undefined` (not yet asked). */
export function loadedOpenTelemetryApi(): OpenTelemetryApi | null | undefined {
  return api;
}
