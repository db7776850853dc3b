/**
 * `node bench/profiling/cost-breakdown.mjs [--rounds 6] [--slice-ms 400]`: where the client's
 * cost per call above the limit comes from, step by step, in one process so that every figure
 * is measured side by side.
 *
 * 1. Steps without I/O (tight loops): input validation, encoding, JSON reading, decoding, the
 *    per-call deadline.
 * 2. The HTTP exchange of a POST sendmessage at concurrency 64 against the responder, adding
 *    one ingredient of our executor at a time to the limit: a string body, an abort signal
 *    (shared, then per call with its timer, first kept from undici then passed to it), the
 *    `for await` body reading, the executor itself, the whole client.
 *    Slices of each variant alternate, round after round; the report gives the median CPU time
 *    per call and its difference from the row above.
 */
import { performance } from 'node:perf_hooks';
import { Agent, request } from 'undici';
import { createChatClient } from '@afilnet-chat/core';
import { parseJsonPayload, toWireRequest } from '@afilnet-chat/core/transport';
// Steps that no entry point exports, from tsc's per-module output that `pnpm build` writes.
import { createUndiciExecutor } from '../../packages/core/build/http/undici-executor.js';
import { decodeResponse } from '../../packages/core/build/decode-response.js';
import { encodeForm } from '../../packages/core/build/encode-form.js';
import { wireFields } from '../../packages/core/build/wire-fields.js';
import { CANNED } from '../responder/canned-bodies.mjs';
import { captureWireRequests } from '../runner/capture-wire-requests.mjs';
import { startResponder } from '../runner/responder-process.mjs';
import { CREDENTIALS, SEND_MESSAGE_INPUT } from '../subjects/bench-input.mjs';
import { drive } from '../worker/load-loop.mjs';
import { summarize } from '../report/stats.mjs';

const args = { rounds: 6, 'slice-ms': 400 };
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, '')] = Number(process.argv[i + 1]);

function timeLoop(fn, iterations) {
  const t0 = performance.now();
  for (let i = 0; i < iterations; i++) fn();
  return ((performance.now() - t0) * 1000) / iterations;
}

function pureSteps() {
  const channelsBody = CANNED.jsonChannels.body.toString();
  const noneBody = CANNED.jsonNone.body.toString();
  const sendRequest = toWireRequest('sendmessage', SEND_MESSAGE_INPUT);
  const steps = {
    'toWireRequest(sendmessage) — zod input validation': () => toWireRequest('sendmessage', SEND_MESSAGE_INPUT),
    'toWireRequest(getchatchannels)': () => toWireRequest('getchatchannels', undefined),
    'encodeForm(wireFields(...)) — sendmessage form body': () => encodeForm(wireFields(sendRequest, CREDENTIALS)),
    'parseJsonPayload(channel list)': () => parseJsonPayload(channelsBody),
    'decodeResponse(getchatchannels) — zod result decoding, 4 channels': () =>
      decodeResponse('getchatchannels', { httpStatus: 200, payload: parseJsonPayload(channelsBody) }),
    'decodeResponse(sendmessage)': () => decodeResponse('sendmessage', { httpStatus: 200, payload: parseJsonPayload(noneBody) }),
    'new AbortController() + setTimeout + clearTimeout (per-call deadline)': () => {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), 30_000);
      clearTimeout(timer);
      return controller.signal;
    },
  };
  const out = [];
  for (const [name, fn] of Object.entries(steps)) {
    timeLoop(fn, 20_000);
    const samples = Array.from({ length: 5 }, () => timeLoop(fn, 20_000));
    out.push({ name, us: summarize(samples).median });
  }
  return out;
}

async function readWithForAwait(body) {
  const chunks = [];
  for await (const chunk of body) chunks.push(chunk);
  return chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8');
}

function withDeadline(send) {
  return async () => {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 30_000);
    try {
      return await send(controller.signal);
    } finally {
      clearTimeout(timer);
    }
  };
}

function exchangeVariants(wire, baseUrl) {
  const agent = () => new Agent({ keepAliveTimeout: 10_000 });
  const bytes = Buffer.from(wire.body, 'utf8');
  const a1 = agent();
  const a2 = agent();
  const a3 = agent();
  const a4 = agent();
  const a5 = agent();
  const a6 = agent();
  const sharedSignal = new AbortController().signal;
  const executor = createUndiciExecutor({ maxResponseBytes: 1 << 20 });
  const client = createChatClient({ transport: 'post', baseUrl, credentials: CREDENTIALS, allowInsecureHttp: true });
  const base = { method: wire.method, headers: wire.headers };
  return {
    'limit: undici.request, Buffer body, body.text()': async () =>
      (await request(wire.url, { ...base, body: bytes, dispatcher: a1 })).body.text(),
    '+ string body (as transports pass it)': async () =>
      (await request(wire.url, { ...base, body: wire.body, dispatcher: a2 })).body.text(),
    '+ one shared signal passed to undici (its listener, no per-call controller)': async () =>
      (await request(wire.url, { ...base, body: wire.body, dispatcher: a5, signal: sharedSignal })).body.text(),
    'string body + per-call AbortController and timer, signal not passed': withDeadline(async () =>
      (await request(wire.url, { ...base, body: wire.body, dispatcher: a6 })).body.text(),
    ),
    '+ per-call AbortController and timer, signal passed to undici': withDeadline(async (signal) =>
      (await request(wire.url, { ...base, body: wire.body, dispatcher: a3, signal })).body.text(),
    ),
    '+ body read with for await (as the executor does)': withDeadline(async (signal) =>
      readWithForAwait((await request(wire.url, { ...base, body: wire.body, dispatcher: a4, signal })).body),
    ),
    'core undici executor send() (adds phase timeouts, header flattening, error mapping)': withDeadline((signal) =>
      executor.send({ method: wire.method, url: wire.url, headers: wire.headers, body: wire.body }, { signal }),
    ),
    'whole client: sendMessage() on the post transport': () => client.sendMessage(SEND_MESSAGE_INPUT),
    close: async () => {
      await Promise.all([a1, a2, a3, a4, a5, a6].map((a) => a.close()));
      await executor.close();
      await client.close();
    },
  };
}

const responder = await startResponder();
try {
  console.log('steps without I/O (µs per call, median of 5 loops of 20,000):');
  for (const step of pureSteps()) console.log(`${step.us.toFixed(2).padStart(8)}  ${step.name}`);

  const captured = await captureWireRequests('post', responder.baseUrl);
  const variants = exchangeVariants(captured.sendmessage, responder.baseUrl);
  const names = Object.keys(variants).filter((n) => n !== 'close');
  for (const name of names) await drive(variants[name], { concurrency: 64, durationMs: 1_500, maxCalls: 5_000 });
  const cpu = new Map(names.map((n) => [n, []]));
  const rate = new Map(names.map((n) => [n, []]));
  for (let round = 0; round < args.rounds; round++) {
    for (const name of names) {
      await drive(variants[name], { concurrency: 64, durationMs: 100, maxCalls: 2_000 });
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const calls = await drive(variants[name], { concurrency: 64, durationMs: args['slice-ms'], maxCalls: 100_000 });
      const used = process.cpuUsage(c0);
      cpu.get(name).push((used.user + used.system) / calls);
      rate.get(name).push((calls * 1000) / (performance.now() - t0));
    }
  }
  await variants.close();
  console.log(`\nPOST sendmessage at concurrency 64, ${args.rounds} rounds of ${args['slice-ms']} ms slices (median):`);
  console.log('CPU µs/call   Δ vs row above   req/s   variant');
  let previous;
  for (const name of names) {
    const us = summarize(cpu.get(name)).median;
    const delta = previous === undefined ? '' : `${us - previous >= 0 ? '+' : ''}${(us - previous).toFixed(1)}`;
    console.log(`${us.toFixed(1).padStart(10)}   ${delta.padStart(14)}   ${summarize(rate.get(name)).median.toFixed(0).padStart(5)}   ${name}`);
    previous = us;
  }
} finally {
  await responder.stop();
}
