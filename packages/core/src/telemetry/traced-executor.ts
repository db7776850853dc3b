/**
 * An executor that makes each HTTP request of one call attempt (token requests included) a
 * CLIENT span, child of the call's span, under the stable HTTP client conventions; records its
 * duration in `http.client.request.duration`; and carries the trace context in the request's
 * headers (W3C `traceparent`, through the app's registered propagator). Only built when
 * OpenTelemetry is installed and something records.
 *
 * @see https://opentelemetry.io/docs/specs/semconv/http/http-spans/#http-client-span
 * @see https://www.w3.org/TR/trace-context/#traceparent-header
 */
import type { Attributes, Context, Histogram, Tracer } from '@opentelemetry/api';
import type { HttpExecutor, HttpRequest } from '../http/http-executor.js';
import { errorTypeOf } from './error-type.js';
import type { OpenTelemetryApi } from './open-telemetry-api.js';
import { AFILNET_ATTRIBUTES, HTTP_ATTRIBUTES } from './semantic-conventions.js';

/** The call an attempt belongs to. */
export interface AttemptTelemetry {
  readonly api: OpenTelemetryApi;
  /** Undefined when no tracer records: the attempt is then measured, not traced. */
  readonly tracer: Tracer | undefined;
  /** The call's context: its span's, or the caller's when there is no span. */
  readonly context: Context;
  readonly requestDuration: Histogram;
  readonly transport: string;
  /** 1 for the call's first attempt. */
  readonly attempt: number;
}

/**
 * `url` as `url.full` may show it: no user or password (never sent in a URL by this SDK, but a
 * user's `baseUrl` might hold them), and each query value replaced by `REDACTED`, as the
 * conventions ask for sensitive values: the GET flavour's query holds the password and the
 * message.
 */
export function scrubbedUrl(url: URL): string {
  let query = '';
  if (url.search !== '') {
    const names: string[] = [];
    for (const name of url.searchParams.keys()) names.push(`${encodeURIComponent(name)}=REDACTED`);
    query = `?${names.join('&')}`;
  }
  return `${url.origin}${url.pathname}${query}`;
}

function defaultPort(protocol: string): number {
  return protocol === 'https:' ? 443 : 80;
}

/** Wraps `next` so that each request is a span and a measurement of the call `on`. */
export function traceExecutor(next: HttpExecutor, on: AttemptTelemetry): HttpExecutor {
  const { api, tracer, transport, attempt, requestDuration } = on;
  return {
    close: () => next.close(),
    async send(request, options) {
      let url: URL | undefined;
      try {
        url = new URL(request.url);
      } catch {
        // The executor refuses it as NETWORK; the span then says what it can.
      }
      const measured: Attributes = {
        [HTTP_ATTRIBUTES.REQUEST_METHOD]: request.method,
        [AFILNET_ATTRIBUTES.TRANSPORT]: transport,
      };
      if (url !== undefined) {
        measured[HTTP_ATTRIBUTES.SERVER_ADDRESS] = url.hostname;
        measured[HTTP_ATTRIBUTES.SERVER_PORT] =
          url.port === '' ? defaultPort(url.protocol) : Number(url.port);
      }
      let context = on.context;
      const span = tracer?.startSpan(
        request.method,
        {
          kind: api.SpanKind.CLIENT,
          attributes: {
            ...measured,
            ...(url === undefined ? {} : { [HTTP_ATTRIBUTES.URL_FULL]: scrubbedUrl(url) }),
            ...(attempt > 1 ? { [HTTP_ATTRIBUTES.REQUEST_RESEND_COUNT]: attempt - 1 } : {}),
          },
        },
        context,
      );
      if (span !== undefined) context = api.trace.setSpan(context, span);
      const carrier: Record<string, string> = {};
      api.propagation.inject(context, carrier);
      const sent: HttpRequest =
        Object.keys(carrier).length === 0
          ? request
          : { ...request, headers: { ...request.headers, ...carrier } };

      const started = performance.now();
      const finish = (errorType: string | undefined, failed: boolean) => {
        if (errorType !== undefined) {
          measured[HTTP_ATTRIBUTES.ERROR_TYPE] = errorType;
          span?.setAttribute(HTTP_ATTRIBUTES.ERROR_TYPE, errorType);
          if (failed) span?.setStatus({ code: api.SpanStatusCode.ERROR, message: errorType });
        }
        requestDuration.record((performance.now() - started) / 1000, measured);
        span?.end();
      };
      let response;
      try {
        response = await api.context.with(context, () => next.send(sent, options));
      } catch (error) {
        const type = errorTypeOf(error);
        // An abort is the caller's decision, not a failure of the request.
        finish(type, type !== 'ABORTED');
        throw error;
      }
      measured[HTTP_ATTRIBUTES.RESPONSE_STATUS_CODE] = response.status;
      span?.setAttribute(HTTP_ATTRIBUTES.RESPONSE_STATUS_CODE, response.status);
      finish(response.status >= 400 ? String(response.status) : undefined, true);
      return response;
    },
  };
}
