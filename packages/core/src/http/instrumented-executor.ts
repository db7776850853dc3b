/**
 * An executor that reports every request and response of one call attempt to the client's
 * diagnostic hooks and to the `NODE_DEBUG=afilnet-chat` log, redacted. Only built when a hook
 * or the log is on: the hot path stays bare.
 */
import { urlWithoutQuery, type DebugLog } from '../diagnostics/debug-log.js';
import { notify, type DiagnosticHooks } from '../diagnostics/channels.js';
import { AfilnetTransportError } from '../errors/errors.js';
import type { ChatMethod } from '../wire/methods.js';
import type { Redactor } from '../diagnostics/redact.js';
import type { HttpExecutor } from './http-executor.js';

/** Who is listening, and to which call attempt. */
export interface Instrumentation {
  readonly hooks: DiagnosticHooks;
  readonly redactor: Redactor;
  /** The debug log, when `NODE_DEBUG` enables it. */
  readonly debug: DebugLog | undefined;
  /** The flavour's name, for debug lines. */
  readonly transport: string;
  readonly method: ChatMethod;
  readonly attempt: number;
}

/** Wraps `executor` so that the hooks and the debug log see each exchange of one attempt. */
export function instrumentExecutor(executor: HttpExecutor, on: Instrumentation): HttpExecutor {
  const { hooks, redactor, debug, method, attempt } = on;
  const about = `(${on.transport} ${method}, attempt ${attempt})`;
  return {
    close: () => executor.close(),
    async send(request, options) {
      const target = `${request.method} ${redactor.text(urlWithoutQuery(request.url))}`;
      debug?.(`request ${target} ${about}`);
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
      const elapsed = () => `${Math.round(performance.now() - started)} ms`;
      let response;
      try {
        response = await executor.send(request, options);
      } catch (error) {
        const code = error instanceof AfilnetTransportError ? error.code : 'ERROR';
        debug?.(`failed ${code} ${target} ${about} ${elapsed()}`);
        throw error;
      }
      debug?.(`response ${response.status} ${target} ${about} ${elapsed()}`);
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
