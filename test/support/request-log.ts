/**
 * A recording undici dispatcher: every request a client makes through it (token, discovery and
 * API requests, whichever executor, since both honour `dispatcher`) is logged with its answer's
 * status, so tests can count exactly what went over the wire to a real server.
 */
import { Agent, type Dispatcher } from 'undici';

/** One exchange: `POST /api/json/ → 401`. */
export interface LoggedRequest {
  readonly method: string;
  readonly path: string;
  /** The request headers, names in lower case. */
  readonly headers: Readonly<Record<string, string>>;
  /** The response status, once the headers arrived. */
  status?: number;
}

export interface RequestLog {
  readonly dispatcher: Dispatcher;
  readonly requests: LoggedRequest[];
  /** How many requests went to `path` (compared without the query string). */
  count(path: string): number;
  /** `METHOD path status` lines, for readable assertions. */
  lines(): string[];
  close(): Promise<void>;
}

/** Request headers in any form undici accepts (object, flat array, iterable), as a plain record. */
function headersOf(headers: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (headers === null || headers === undefined) return out;
  let pairs: Array<[unknown, unknown]>;
  if (Array.isArray(headers)) {
    pairs = [];
    for (let i = 0; i + 1 < headers.length; i += 2) pairs.push([headers[i], headers[i + 1]]);
  } else if (typeof (headers as Iterable<unknown>)[Symbol.iterator] === 'function') {
    pairs = [...(headers as Iterable<[unknown, unknown]>)];
  } else {
    pairs = Object.entries(headers as Record<string, unknown>);
  }
  for (const [name, value] of pairs)
    out[String(name).toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
  return out;
}

/** Starts a log over a fresh keep-alive Agent. */
export function createRequestLog(): RequestLog {
  const agent = new Agent();
  const requests: LoggedRequest[] = [];
  const dispatcher = agent.compose((dispatch) => (options, handler) => {
    const entry: LoggedRequest = {
      method: String(options.method),
      path: String(options.path),
      headers: headersOf(options.headers),
    };
    requests.push(entry);
    // Whichever handler API the caller speaks (undici 7's onResponseStart, or the legacy
    // onHeaders that fetch's bundled undici uses), the status is noted on the way through.
    const recording = new Proxy(handler, {
      get(target, property) {
        const value: unknown = Reflect.get(target, property, target);
        if (typeof value !== 'function') return value;
        if (property === 'onResponseStart') {
          return (controller: unknown, statusCode: number, ...rest: unknown[]) => {
            entry.status = statusCode;
            return value.call(target, controller, statusCode, ...rest);
          };
        }
        if (property === 'onHeaders') {
          return (statusCode: number, ...rest: unknown[]) => {
            entry.status = statusCode;
            return value.call(target, statusCode, ...rest);
          };
        }
        return value.bind(target);
      },
    });
    return dispatch(options, recording);
  });
  const pathOf = (p: string) => p.split('?')[0];
  return {
    dispatcher,
    requests,
    count: (path) => requests.filter((r) => pathOf(r.path) === path).length,
    lines: () => requests.map((r) => `${r.method} ${pathOf(r.path)} ${r.status ?? '-'}`),
    close: () => agent.close(),
  };
}
