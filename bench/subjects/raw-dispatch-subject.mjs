/**
 * The limit: undici's lowest public API, `Agent.dispatch()`, over one keep-alive Agent (as our
 * executor uses), sending the very bytes a transport sends (encoded once beforehand) with a
 * minimal handler that gathers the body chunks and decodes them once as UTF-8 text. No
 * validation, no encoding, no deadline, no decoding of the payload: what is left is the HTTP
 * exchange itself, as cheap as undici can make it.
 *
 * The handler implements undici 7's `onConnect`/`onHeaders`/`onData`/`onComplete`/`onError`
 * methods, which its `Client` calls directly; a handler with the newer `onRequestStart`/
 * `onResponse*` methods would be wrapped in an adapter per request, and the limit would pay a
 * cost our executor does not.
 *
 * Kind `raw-dispatch-parsed` (profiling only, JSON flavours) is the same with `JSON.parse` of the
 * text: the least a client that hands back the parsed answer must do, to tell how much of our
 * client's margin over the limit is that parse.
 */
import { Agent } from 'undici';

class GatherBody {
  constructor(resolve, reject, parse) {
    this.resolve = resolve;
    this.parse = parse;
    this.reject = reject;
    this.chunks = [];
  }

  onConnect() {}

  onHeaders(statusCode) {
    // 1xx informational answers come before the real one.
    if (statusCode >= 200) this.statusCode = statusCode;
    return true;
  }

  onData(chunk) {
    this.chunks.push(chunk);
    return true;
  }

  onComplete() {
    const { chunks } = this;
    const text =
      chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8');
    this.resolve(this.parse ? JSON.parse(text) : text);
  }

  onError(error) {
    this.reject(error);
  }
}

export async function setup({ captured, kind, transport }) {
  const parsed = kind === 'raw-dispatch-parsed';
  if (parsed && transport === 'soap')
    throw new Error('raw-dispatch-parsed reads JSON answers only');
  const dispatcher = new Agent({ keepAliveTimeout: 10_000 });
  const prepared = {};
  for (const [method, wire] of Object.entries(captured)) {
    const url = new URL(wire.url);
    prepared[method] = {
      origin: url.origin,
      path: `${url.pathname}${url.search}`,
      method: wire.method,
      headers: wire.headers,
      body: wire.body === undefined ? null : Buffer.from(wire.body, 'utf8'),
    };
  }
  return {
    call(method) {
      return new Promise((resolve, reject) => {
        dispatcher.dispatch(prepared[method], new GatherBody(resolve, reject, parsed));
      });
    },
    close: () => dispatcher.close(),
  };
}
