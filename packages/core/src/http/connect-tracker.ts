/**
 * Knowing whether undici wrote any byte of a request (SPEC §10, `mayHaveBeenSent`). undici calls
 * a request handler's `onConnect` (`onRequestStart` in its newer handler API) on a connected
 * socket just before writing the request, and never when the request was aborted first; until
 * then an aborted request stays queued, unwritten, and its promise unsettled. An interceptor
 * marks that moment on the request's record, passed as undici's `opaque` request option.
 *
 * @see https://undici.nodejs.org/#/docs/api/Dispatcher?id=dispatchercomposeinterceptors-interceptor
 */
import type { Dispatcher } from 'undici';

/**
 * One request's record: `connected` once undici is about to write it. A request whose signal
 * has fired by then is dropped by undici's own handler before anything is written, so it never
 * counts as connected.
 */
export class ConnectRecord {
  connected = false;
  constructor(readonly signal: AbortSignal) {}
}

const MARKED = new Set<PropertyKey>(['onConnect', 'onRequestStart']);

/** `handler`, with `record.connected` set when undici starts the request. */
function marking(handler: Dispatcher.DispatchHandler, record: ConnectRecord): Dispatcher.DispatchHandler {
  return new Proxy(handler, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property);
      if (typeof value !== 'function') return value;
      const method = value as (...args: unknown[]) => unknown;
      if (!MARKED.has(property)) return method.bind(target);
      return (...args: unknown[]) => {
        if (!record.signal.aborted) record.connected = true;
        return method.apply(target, args);
      };
    },
  });
}

const track: Dispatcher.DispatcherComposeInterceptor = (dispatch) => (options, handler) => {
  // `request()` passes its options, `opaque` included, down to dispatch.
  const record = (options as { readonly opaque?: unknown }).opaque;
  return dispatch(options, record instanceof ConnectRecord ? marking(handler, record) : handler);
};

/**
 * `dispatcher` composed with the tracking interceptor, or undefined when it cannot be composed
 * (a dispatcher from an undici before `compose`): its requests' records then stay unknown.
 */
export function trackConnects(dispatcher: Dispatcher): Dispatcher | undefined {
  return typeof dispatcher.compose === 'function' ? dispatcher.compose(track) : undefined;
}
