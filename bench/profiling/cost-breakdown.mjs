/**
 * `node bench/profiling/cost-breakdown.mjs [--transport post] [--method sendmessage] [--rounds 6]
 * [--slice-ms 400]`: where the client's cost per call above the limit comes from, with the HTTP
 * exchange in, in one process so that every figure is measured side by side.
 *
 * One transport's request at concurrency 64 against the responder: the limit (`Agent.dispatch()`
 * with a minimal handler, the bytes encoded once), then one ingredient of our executor at a time
 * (a string body, the per-request phase timeouts, the executor's `send()`), the whole client, and
 * `undici.request` with the same bytes. Slices of each variant alternate, round after round; the
 * report gives the median CPU time per call and its difference from the limit. The steps without
 * I/O are measured by call-steps.mjs (mitata) and no-io-calls.mjs.
 */
import { performance } from 'node:perf_hooks';
import { Agent, request } from 'undici';
import { createChatClient } from '@afilnet-chat/core';
// A step that no entry point exports, from tsc's per-module output that `pnpm build` writes.
import { createUndiciExecutor } from '../../packages/core/build/http/undici-executor.js';
import { captureWireRequests } from '../runner/capture-wire-requests.mjs';
import { startResponder } from '../runner/responder-process.mjs';
import { CREDENTIALS, SEND_MESSAGE_INPUT } from '../subjects/bench-input.mjs';
import { drive } from '../worker/load-loop.mjs';
import { summarize } from '../report/stats.mjs';
import { dispatchText } from './memory-dispatcher.mjs';

const args = { transport: 'post', method: 'sendmessage', rounds: 6, 'slice-ms': 400 };
for (let i = 2; i < process.argv.length; i += 2) {
  const name = process.argv[i].replace(/^--/, '');
  args[name] = typeof args[name] === 'number' ? Number(process.argv[i + 1]) : process.argv[i + 1];
}

function exchangeVariants(wire, baseUrl) {
  const agents = [];
  const agent = () => {
    const made = new Agent({ keepAliveTimeout: 10_000 });
    agents.push(made);
    return made;
  };
  const url = new URL(wire.url);
  const bytes = wire.body === undefined ? null : Buffer.from(wire.body, 'utf8');
  const base = {
    origin: url.origin,
    path: `${url.pathname}${url.search}`,
    method: wire.method,
    headers: wire.headers,
  };
  const [a1, a2, a3, a4] = [agent(), agent(), agent(), agent()];
  const executor = createUndiciExecutor({ maxResponseBytes: 1 << 20 });
  const neverAborted = new AbortController().signal;
  const client = createChatClient({
    transport: args.transport,
    baseUrl,
    credentials: CREDENTIALS,
    allowInsecureHttp: true,
  });
  const call =
    args.method === 'sendmessage'
      ? () => client.sendMessage(SEND_MESSAGE_INPUT)
      : () => client.getChatChannels();
  return {
    'limit: Agent.dispatch(), minimal handler, Buffer body': () =>
      dispatchText(a1, { ...base, body: bytes }),
    '+ string body (as transports pass it)': () =>
      dispatchText(a2, { ...base, body: wire.body ?? null }),
    '+ per-request headersTimeout, bodyTimeout, idempotent: false (as the executor passes)': () =>
      dispatchText(a3, {
        ...base,
        body: wire.body ?? null,
        headersTimeout: 30_000,
        bodyTimeout: 30_000,
        idempotent: false,
      }),
    "core undici executor send() (a caller's signal, header flattening, size cap, error mapping)":
      () =>
        executor.send(
          { method: wire.method, url: wire.url, headers: wire.headers, body: wire.body },
          { signal: neverAborted },
        ),
    [`whole client: ${args.method} on the ${args.transport} transport`]: call,
    'undici.request, Buffer body, body.text()': async () =>
      (
        await request(wire.url, {
          method: wire.method,
          headers: wire.headers,
          body: bytes,
          dispatcher: a4,
        })
      ).body.text(),
    close: async () => {
      await Promise.all(agents.map((a) => a.close()));
      await executor.close();
      await client.close();
    },
  };
}

const responder = await startResponder();
try {
  const captured = await captureWireRequests(args.transport, responder.baseUrl);
  const variants = exchangeVariants(captured[args.method], responder.baseUrl);
  const names = Object.keys(variants).filter((n) => n !== 'close');
  for (const name of names)
    await drive(variants[name], { concurrency: 64, durationMs: 1_500, maxCalls: 5_000 });
  const cpu = new Map(names.map((n) => [n, []]));
  const rate = new Map(names.map((n) => [n, []]));
  for (let round = 0; round < args.rounds; round++) {
    for (const name of names) {
      await drive(variants[name], { concurrency: 64, durationMs: 100, maxCalls: 2_000 });
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const calls = await drive(variants[name], {
        concurrency: 64,
        durationMs: args['slice-ms'],
        maxCalls: 100_000,
      });
      const used = process.cpuUsage(c0);
      cpu.get(name).push((used.user + used.system) / calls);
      rate.get(name).push((calls * 1000) / (performance.now() - t0));
    }
  }
  await variants.close();
  console.log(
    `${args.transport} ${args.method} at concurrency 64, ${args.rounds} rounds of ${args['slice-ms']} ms slices (median):`,
  );
  console.log('CPU µs/call   × limit   req/s   variant');
  const limit = summarize(cpu.get(names[0])).median;
  for (const name of names) {
    const us = summarize(cpu.get(name)).median;
    console.log(
      `${us.toFixed(1).padStart(10)}   ${(us / limit).toFixed(2).padStart(7)}   ${summarize(rate.get(name)).median.toFixed(0).padStart(5)}   ${name}`,
    );
  }
} finally {
  await responder.stop();
}
