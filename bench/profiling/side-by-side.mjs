/**
 * `node bench/profiling/side-by-side.mjs [--transport post] [--method sendmessage]
 * [--kinds client,raw-dispatch,executor] [--slice-ms 1000] [--slices 8] [--concurrency 64]
 * [--cpu-prof DIR]`: a few subjects of `pnpm bench`, each in its own warmed-up worker process as
 * the bench runs them, measured in alternating slices (at concurrency 64 unless told) against
 * the responder (kinds: those of `subjects/subject-modules.mjs`, `raw-dispatch-parsed` among
 * them, the limit with `JSON.parse`); prints each
 * one's CPU µs per call and requests per second over all its slices, and per slice. Longer
 * slices than the bench's show the steady state; `--cpu-prof DIR` writes a profile of each
 * worker, to compare with profiling/summarize-cpu-profile.mjs.
 */
import { captureWireRequests } from '../runner/capture-wire-requests.mjs';
import { startResponder } from '../runner/responder-process.mjs';
import { startWorker } from '../runner/worker-process.mjs';

const args = {
  transport: 'post',
  method: 'sendmessage',
  kinds: 'client,raw-dispatch,executor',
  'slice-ms': 1000,
  slices: 8,
  concurrency: 64,
  'cpu-prof': '',
};
for (let i = 2; i < process.argv.length; i += 2) {
  const name = process.argv[i].replace(/^--/, '');
  if (!(name in args)) throw new Error(`unknown option ${process.argv[i]}`);
  args[name] = typeof args[name] === 'number' ? Number(process.argv[i + 1]) : process.argv[i + 1];
}

const responder = await startResponder();
const captured = await captureWireRequests(args.transport, responder.baseUrl);
const timing = {
  jitWarmupMs: 600,
  jitWarmupCalls: 3000,
  warmupMs: 100,
  maxWarmupCalls: 2000,
  maxCalls: 100_000,
};
const kinds = args.kinds.split(',');
const execArgv = args['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', args['cpu-prof']] : [];
const workers = {};
try {
  for (const kind of kinds) {
    workers[kind] = startWorker(new URL('../worker/load-worker.mjs', import.meta.url), {
      responder,
      execArgv,
    });
    const reply = await workers[kind].command(
      'setup',
      {
        subject: { kind, transport: args.transport },
        methods: [args.method],
        timing,
        baseUrl: responder.baseUrl,
        captured,
      },
      60_000,
    );
    if (!reply.ok) throw new Error(`${kind}: ${reply.error}`);
  }
  const sums = Object.fromEntries(
    kinds.map((k) => [k, { calls: 0, cpuUs: 0, ms: 0, perSlice: [] }]),
  );
  for (let slice = 0; slice < args.slices; slice++) {
    for (const kind of kinds) {
      const reply = await workers[kind].command(
        'slice',
        {
          method: args.method,
          concurrency: args.concurrency,
          sliceMs: args['slice-ms'],
          warmMs: slice === 0 ? 100 : 0,
        },
        args['slice-ms'] + 60_000,
      );
      if (!reply.ok) throw new Error(`${kind}: ${reply.error}`);
      const { calls, cpuUs, elapsedMs } = reply.value;
      Object.assign(sums[kind], {
        calls: sums[kind].calls + calls,
        cpuUs: sums[kind].cpuUs + cpuUs,
        ms: sums[kind].ms + elapsedMs,
      });
      sums[kind].perSlice.push((cpuUs / calls).toFixed(0));
    }
  }
  console.log(
    `${args.transport} ${args.method}, concurrency ${args.concurrency}, ${args.slices} alternating slices of ${args['slice-ms']} ms`,
  );
  console.log('subject          CPU µs/call   req/s   CPU µs/call per slice');
  for (const kind of kinds) {
    const s = sums[kind];
    console.log(
      `${kind.padEnd(16)} ${(s.cpuUs / s.calls).toFixed(1).padStart(11)} ${((s.calls / s.ms) * 1000).toFixed(0).padStart(7)}   ${s.perSlice.join(' ')}`,
    );
  }
} finally {
  for (const worker of Object.values(workers)) await worker.stop();
  await responder.stop();
}
