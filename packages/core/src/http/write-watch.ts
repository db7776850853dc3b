/**
 * What the `fetch` executor can know about whether a request was written. `fetch` itself never
 * says; Node's fetch (undici) publishes on `diagnostics_channel` when it creates a request
 * (`undici:request:create`) and when it writes a request's headers (`undici:client:sendHeaders`),
 * the first bytes of any request. A watch counts both for one method and URL while a request is
 * in flight: if such a request was created and none wrote its headers, this one wrote nothing.
 *
 * Requests of other calls to the same URL make the answer "may have been written", never the
 * reverse; a fetch that is not undici (a mock, another runtime) publishes nothing, which also
 * leaves the answer at "may have been written".
 *
 * @see https://undici.nodejs.org/#/docs/api/DiagnosticsChannel
 */
import diagnostics from 'node:diagnostics_channel';

/** The watch on one request. */
export interface WriteWatch {
  /** True unless the request provably never had a byte written. */
  mayHaveWritten(): boolean;
  /** Stops watching. */
  dispose(): void;
}

interface Counts {
  created: number;
  written: number;
}

interface UndiciRequestMessage {
  readonly request: { readonly origin?: unknown; readonly path?: unknown; readonly method?: unknown };
}

const CREATE = 'undici:request:create';
const SEND_HEADERS = 'undici:client:sendHeaders';

/** Active watches by `METHOD origin+path`; the channels are subscribed only while there is one. */
const watches = new Map<string, Set<Counts>>();
let active = 0;

function keyOf(message: unknown): string | undefined {
  const request = (message as UndiciRequestMessage | null)?.request;
  if (request === undefined || typeof request.path !== 'string' || typeof request.method !== 'string') return undefined;
  try {
    return `${request.method} ${new URL(request.path, String(request.origin)).href}`;
  } catch {
    return undefined;
  }
}

function count(field: keyof Counts) {
  return (message: unknown) => {
    const key = keyOf(message);
    if (key === undefined) return;
    for (const counts of watches.get(key) ?? []) counts[field] += 1;
  };
}
const onCreate = count('created');
const onSendHeaders = count('written');

/** Starts watching the request `method url` about to be handed to fetch. */
export function watchWrites(method: string, url: string): WriteWatch {
  let key: string;
  try {
    key = `${method} ${new URL(url).href}`;
  } catch {
    return { mayHaveWritten: () => false, dispose: () => undefined };
  }
  const counts: Counts = { created: 0, written: 0 };
  if (active++ === 0) {
    diagnostics.subscribe(CREATE, onCreate);
    diagnostics.subscribe(SEND_HEADERS, onSendHeaders);
  }
  let set = watches.get(key);
  if (set === undefined) watches.set(key, (set = new Set()));
  set.add(counts);
  let disposed = false;
  return {
    mayHaveWritten: () => counts.created === 0 || counts.written > 0,
    dispose() {
      if (disposed) return;
      disposed = true;
      set.delete(counts);
      if (set.size === 0) watches.delete(key);
      if (--active === 0) {
        diagnostics.unsubscribe(CREATE, onCreate);
        diagnostics.unsubscribe(SEND_HEADERS, onSendHeaders);
      }
    },
  };
}
