/**
 * `node bench/profiling/no-io-calls.mjs [--rounds 7] [--slice-ms 300] [--only post:sendmessage]`:
 * the client's own CPU time per call, every transport and method, with the HTTP exchange taken
 * out. Each call goes through the built packages as an app runs them, over a dispatcher that
 * answers at once with the responder's canned envelope (memory-dispatcher.mjs); the limit's
 * minimal handler runs over the same dispatcher. Slices of the two alternate at concurrency 64,
 * round after round, and the report gives the median CPU µs per call of each and their
 * difference: what our client adds to an exchange that costs raw `Agent.dispatch()` some 30–45
 * µs on this machine (bench/RESULTS.md).
 *
 * `--baseline DIR` adds the client built from another copy of the packages (a directory holding
 * `packages/*` with their `dist` and a `node_modules` that resolves them, as
 * `subjects/baseline-client-subject.mjs` takes) in the same alternation: a change measured side
 * by side with the code before it.
 *
 * Run it under `node --cpu-prof` to see where that time goes without undici's and the kernel's
 * share drowning it.
 */
import { performance } from 'node:perf_hooks';
import { createChatClient } from '@afilnet-chat/core';
import { CREDENTIALS, METHODS, SEND_MESSAGE_INPUT } from '../subjects/bench-input.mjs';
import { drive } from '../worker/load-loop.mjs';
import { summarize } from '../report/stats.mjs';
import { RAW_REQUESTS as wire, memoryDispatcher, rawDispatch } from './memory-dispatcher.mjs';

const args = { rounds: 7, 'slice-ms': 300, only: '', baseline: '' };
for (let i = 2; i < process.argv.length; i += 2) {
  const name = process.argv[i].replace(/^--/, '');
  args[name] = typeof args[name] === 'string' ? process.argv[i + 1] : Number(process.argv[i + 1]);
}

const TRANSPORTS = ['get', 'post', 'basic', 'soap', 'json-oauth'];
const pairs = TRANSPORTS.flatMap((t) => METHODS.map((m) => `${t}:${m}`)).filter(
  (p) => !args.only || args.only.split(',').includes(p),
);

const baselineCreate = args.baseline
  ? (await import(`${args.baseline}/packages/core/dist/index.js`)).createChatClient
  : undefined;
const clients = new Map();
const baselines = new Map();
for (const transport of new Set(pairs.map((p) => p.split(':')[0]))) {
  for (const [create, into] of [
    [createChatClient, clients],
    [baselineCreate, baselines],
  ]) {
    if (create === undefined) continue;
    const client = create({
      transport,
      baseUrl: 'http://127.0.0.1:9',
      credentials: CREDENTIALS,
      allowInsecureHttp: true,
      dispatcher: memoryDispatcher,
    });
    await client.getChatChannels();
    into.set(transport, client);
  }
}

const subjects = {};
for (const pair of pairs) {
  const [transport, method] = pair.split(':');
  const client = clients.get(transport);
  subjects[`${pair} client`] =
    method === 'sendmessage'
      ? () => client.sendMessage(SEND_MESSAGE_INPUT)
      : () => client.getChatChannels();
  subjects[`${pair} limit`] = () => rawDispatch(wire[method]);
  const baseline = baselines.get(transport);
  if (baseline !== undefined)
    subjects[`${pair} baseline`] =
      method === 'sendmessage'
        ? () => baseline.sendMessage(SEND_MESSAGE_INPUT)
        : () => baseline.getChatChannels();
}
const names = Object.keys(subjects);
for (const name of names)
  await drive(subjects[name], { concurrency: 64, durationMs: 1_000, maxCalls: 20_000 });

const cpu = new Map(names.map((n) => [n, []]));
for (let round = 0; round < args.rounds; round++) {
  for (const name of names) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const calls = await drive(subjects[name], {
      concurrency: 64,
      durationMs: args['slice-ms'],
      maxCalls: 1_000_000,
    });
    const used = process.cpuUsage(c0);
    void t0;
    cpu.get(name).push((used.user + used.system) / calls);
  }
}
console.log(
  `CPU µs per call, no I/O, concurrency 64, median of ${args.rounds} rounds of ${args['slice-ms']} ms slices`,
);
console.log(
  `transport:method              client   limit   client − limit${args.baseline ? '   baseline   baseline − limit' : ''}`,
);
for (const pair of pairs) {
  const ours = summarize(cpu.get(`${pair} client`)).median;
  const limit = summarize(cpu.get(`${pair} limit`)).median;
  const before = args.baseline ? summarize(cpu.get(`${pair} baseline`)).median : undefined;
  console.log(
    `${pair.padEnd(28)} ${ours.toFixed(2).padStart(7)} ${limit.toFixed(2).padStart(7)} ${(ours - limit).toFixed(2).padStart(10)}` +
      (before === undefined
        ? ''
        : ` ${before.toFixed(2).padStart(10)} ${(before - limit).toFixed(2).padStart(10)}`),
  );
}
for (const client of [...clients.values(), ...baselines.values()]) await client.close();
