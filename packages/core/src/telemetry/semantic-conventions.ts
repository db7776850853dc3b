/**
 * The attribute and metric names the client's spans and metrics carry. The HTTP ones are the
 * stable OpenTelemetry HTTP client conventions, written out here so that core takes no runtime
 * dependency on `@opentelemetry/semantic-conventions`; a test checks each against that package's
 * stable entry.
 *
 * @see https://opentelemetry.io/docs/specs/semconv/http/http-spans/#http-client-span
 * @see https://opentelemetry.io/docs/specs/semconv/http/http-metrics/#metric-httpclientrequestduration
 */

/** Stable HTTP client attributes (OpenTelemetry semantic conventions). */
export const HTTP_ATTRIBUTES = {
  /** `ATTR_HTTP_REQUEST_METHOD` */
  REQUEST_METHOD: 'http.request.method',
  /** `ATTR_SERVER_ADDRESS` */
  SERVER_ADDRESS: 'server.address',
  /** `ATTR_SERVER_PORT` */
  SERVER_PORT: 'server.port',
  /** `ATTR_URL_FULL`: never with a query value, which may hold a credential or a message. */
  URL_FULL: 'url.full',
  /** `ATTR_HTTP_RESPONSE_STATUS_CODE` */
  RESPONSE_STATUS_CODE: 'http.response.status_code',
  /** `ATTR_ERROR_TYPE`: the error's `code`, or the HTTP status as text. */
  ERROR_TYPE: 'error.type',
  /** `ATTR_HTTP_REQUEST_RESEND_COUNT`: the attempt number of the call, minus one. */
  REQUEST_RESEND_COUNT: 'http.request.resend_count',
} as const;

/** Stable HTTP client metric (OpenTelemetry semantic conventions): `METRIC_HTTP_CLIENT_REQUEST_DURATION`. */
export const HTTP_CLIENT_REQUEST_DURATION = 'http.client.request.duration';

/** The SDK's own attributes. */
export const AFILNET_ATTRIBUTES = {
  /** The transport's name, e.g. `soap`. */
  TRANSPORT: 'afilnet.transport',
  /** The API method's wire name, e.g. `sendmessage`. */
  METHOD: 'afilnet.method',
  /** On failure: the error's `code` (`INCORRECT_USER_PASSWORD`, `TIMEOUT`, …). */
  ERROR_CODE: 'afilnet.error.code',
  /** On failure: whether a send may have reached the server (`mayHaveBeenSent`). */
  MAY_HAVE_BEEN_SENT: 'afilnet.may_have_been_sent',
} as const;

/** The SDK's own metrics. */
export const AFILNET_METRICS = {
  /** Histogram, seconds: one value per call, retries and waits included. */
  CALL_DURATION: 'afilnet.client.call.duration',
  /** Counter: attempts made again after a failure. */
  RETRIES: 'afilnet.client.retries',
  /** Counter: attempts the server refused with HTTP 429. */
  RATE_LIMITS: 'afilnet.client.rate_limits',
} as const;

/**
 * Bucket boundaries in seconds advised for both duration histograms: the ones the HTTP
 * conventions advise for `http.client.request.duration`.
 */
export const DURATION_BUCKETS_SECONDS: readonly number[] = [
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
];

/** The instrumentation scope of the client's tracer and meter. */
export const INSTRUMENTATION_SCOPE = '@afilnet-chat/core';
