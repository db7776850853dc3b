/**
 * An executor that reports every request and response of one call attempt to the client's
 * diagnostic hooks, redacted. Only built when a hook is configured: the hot path stays bare.
 */
import { notify, type DiagnosticHooks } from '../diagnostics.js';
import type { ChatMethod } from '../methods.js';
import type { Redactor } from '../redact.js';
import type { HttpExecutor } from './http-executor.js';

/** Wraps `executor` so that `hooks` see each exchange of attempt `attempt` of `method`. */
export function instrumentExecutor(
  executor: HttpExecutor,
  hooks: DiagnosticHooks,
  redactor: Redactor,
  method: ChatMethod,
  attempt: number,
): HttpExecutor {
  return {
    kind: executor.kind,
    close: () => executor.close(),
    async send(request, options) {
      notify(hooks.onRequest, () => ({
        method,
        attempt,
        http: {
          method: request.method,
          url: redactor.body(redactor.text(request.url)),
          headers: redactor.headers(request.headers),
          ...(request.body !== undefined ? { body: redactor.body(request.body) } : {}),
        },
      }));
      const started = performance.now();
      const response = await executor.send(request, options);
      notify(hooks.onResponse, () => ({
        method,
        attempt,
        status: response.status,
        headers: redactor.headers(response.headers),
        body: redactor.body(response.body),
        durationMs: performance.now() - started,
      }));
      return response;
    },
  };
}
