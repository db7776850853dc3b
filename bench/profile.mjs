/**
 * `node bench/profile.mjs --transport post --method sendmessage [--kind client] [--concurrency 64]
 * [--calls 40000] [--top 25] [--focus REGEX]`: runs one subject on the responder under `node --cpu-prof`, then
 * prints where its CPU time went (by area, by function, and the inclusive time of our own
 * functions), in µs per call. The profile is kept in bench/profiles/ for a closer look (Chrome
 * DevTools or VS Code open `.cpuprofile` files).
 */
import { mkdirSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { captureWireRequests } from './runner/capture-wire-requests.mjs';
import { startResponder } from './runner/responder-process.mjs';
import { startWorker } from './runner/worker-process.mjs';
import { summarizeCpuProfile } from './profiling/summarize-cpu-profile.mjs';

function parseArgs(argv) {
  const args = {
    transport: 'post',
    method: 'sendmessage',
    kind: 'client',
    concurrency: 64,
    calls: 40_000,
    top: 25,
    focus: '',
  };
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i].replace(/^--/, '');
    if (!(name in args)) throw new Error(`unknown option ${argv[i]}`);
    args[name] = typeof args[name] === 'number' ? Number(argv[i + 1]) : argv[i + 1];
  }
  return args;
}

const args = parseArgs(process.argv.slice(2));
const dir = fileURLToPath(
  new URL(
    `./profiles/${args.kind}-${args.transport}-${args.method}-c${args.concurrency}-${Date.now()}/`,
    import.meta.url,
  ),
);
mkdirSync(dir, { recursive: true });

const responder = await startResponder();
const captured = await captureWireRequests(args.transport, responder.baseUrl);
const worker = startWorker(new URL('./worker/load-worker.mjs', import.meta.url), {
  responder,
  execArgv: ['--cpu-prof', '--cpu-prof-dir', dir],
});
const timing = {
  jitWarmupMs: 2_000,
  jitWarmupCalls: 5_000,
  warmupMs: 100,
  maxWarmupCalls: 1_000,
  maxCalls: args.calls,
};
const setup = await worker.command(
  'setup',
  {
    subject: { kind: args.kind, transport: args.transport },
    methods: [args.method],
    timing,
    baseUrl: responder.baseUrl,
    captured,
  },
  60_000,
);
if (!setup.ok) throw new Error(setup.error);
const run = await worker.command(
  'slice',
  { method: args.method, concurrency: args.concurrency, warmMs: timing.warmupMs, sliceMs: 120_000 },
  180_000,
);
await worker.stop();
await responder.stop();
if (!run.ok) throw new Error(run.error);

const profileFile = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
// Warm-up calls are in the profile too; per-call figures divide by every call the process made.
const calls = run.value.latencies.length + timing.jitWarmupCalls + timing.maxWarmupCalls;
const summary = summarizeCpuProfile(`${dir}${profileFile}`, calls);
const us = (v) => (v === undefined ? '' : v.toFixed(1).padStart(8));
const pct = (v) => `${(v * 100).toFixed(1).padStart(5)}%`;

const { calls: measured, elapsedMs, cpuUs } = run.value;
console.log(
  `${args.kind} ${args.transport} ${args.method} c${args.concurrency}: ${measured} measured calls, ` +
    `${((measured / elapsedMs) * 1000).toFixed(0)} req/s, ${(cpuUs / measured).toFixed(1)} µs CPU/call; profile ${dir}${profileFile}`,
);
console.log(`\nself time by area (µs/call over ~${calls} calls):`);
for (const a of summary.byArea.slice(0, 15))
  console.log(`${pct(a.share)} ${us(a.usPerCall)}  ${a.area}`);
console.log('\nself time by function:');
for (const f of summary.topSelf.slice(0, args.top))
  console.log(`${pct(f.share)} ${us(f.usPerCall)}  ${f.key}`);
console.log('\ninclusive time of our functions:');
for (const f of summary.inclusive.filter((e) => e.key.includes('packages/')).slice(0, args.top)) {
  console.log(`${pct(f.share)} ${us(f.usPerCall)}  ${f.key}`);
}
if (args.focus) {
  const focus = new RegExp(args.focus);
  console.log(`\ninclusive time of functions matching /${args.focus}/:`);
  for (const f of summary.inclusive.filter((e) => focus.test(e.key)).slice(0, args.top)) {
    console.log(`${pct(f.share)} ${us(f.usPerCall)}  ${f.key}`);
  }
}
