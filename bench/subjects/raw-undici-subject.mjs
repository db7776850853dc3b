/**
 * The familiar yardstick: `undici.request` over one keep-alive Agent (as our executor uses)
 * sending the very bytes a transport sends, encoded once beforehand, and reading the body as
 * text. No validation, no encoding, no decoding; but `request()`'s own layer (its abort
 * listener, `Readable` body and async resource), which the limit (raw-dispatch-subject.mjs) and
 * our executor do without.
 */
import { Agent, request } from 'undici';

export async function setup({ captured }) {
  const dispatcher = new Agent({ keepAliveTimeout: 10_000 });
  const prepared = {};
  for (const [method, wire] of Object.entries(captured)) {
    prepared[method] = {
      url: wire.url,
      options: {
        method: wire.method,
        headers: wire.headers,
        body: wire.body === undefined ? undefined : Buffer.from(wire.body, 'utf8'),
        dispatcher,
      },
    };
  }
  return {
    async call(method) {
      const { url, options } = prepared[method];
      const response = await request(url, options);
      return response.body.text();
    },
    close: () => dispatcher.close(),
  };
}
