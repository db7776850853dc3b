/**
 * Our undici executor alone, `createUndiciExecutor().send()`, sending the request a transport
 * sends (as captured, its body a string as transports pass it) and reading the answer as text:
 * our dispatch handler, header flattening, size cap and error mapping, without the client's
 * layers or the transport's encoding and decoding. For locating a cost (profiling/), not a
 * column of the report.
 */
import { setMaxListeners } from 'node:events';
// Not exported by any entry point: core's bundle inlines it, so it is read from tsc's output
// (packages/core/build), as profiling/cost-breakdown.mjs does.
import { createUndiciExecutor } from '../../packages/core/build/http/undici-executor.js';

export async function setup({ captured }) {
  const executor = createUndiciExecutor({ maxResponseBytes: 1 << 20 });
  // A caller's signal, never aborted, shared by every request in flight.
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  const requests = {};
  for (const [method, wire] of Object.entries(captured)) {
    requests[method] = {
      method: wire.method,
      url: wire.url,
      headers: wire.headers,
      body: wire.body,
    };
  }
  return {
    async call(method) {
      return (await executor.send(requests[method], { signal: controller.signal })).body;
    },
    close: () => executor.close(),
  };
}
