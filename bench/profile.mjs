/**
 * `node bench/profile.mjs --transport post --method sendmessage [--kind client] [--concurrency 64]
 * [--calls 40000] [--top 25]`: runs one subject on the responder under `node --cpu-prof`, then
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
  const args = { transport: 'post', method: 'sendmessage', kind: 'client', concurrency: 64, calls: 40_000, top: 25 };
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i].replace(/^--/, '');
    if (!(name in args)) throw new Error(`unknown option ${argv[i]}`);
    args[name] = typeof args[name] === 'number' ? Number(argv[i + 1]) : argv[i + 1];
  }
  return args;
}

const args = parseArgs(process.argv.slice(2));
const dir = fileURLToPath(new URL(`./profiles/${args.kind}-${args.transport}-${args.method}-c${args.concurrency}-${Date.now()}/`, import.meta.url));
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
  measureMs: 120_000,
  maxCalls: args.calls,
};
const setup = await worker.command(
  'setup',
  { subject: { kind: args.kind, transport: args.transport }, methods: [args.method], timing, baseUrl: responder.baseUrl, captured },
  60_000,
);
if (!setup.ok) throw new Error(setup.error);
const run = await worker.command('scenario', { method: args.method, concurrency: args.concurrency }, 180_000);
await worker.stop();
await responder.stop();
if (!run.ok) throw new Error(run.error);

const profileFile = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
// Warm-up calls are in the profile too; per-call figures divide by every call the process made.
const calls = run.value.calls + timing.jitWarmupCalls + timing.maxWarmupCalls;
const summary = summarizeCpuProfile(`${dir}${profileFile}`, calls);
const us = (v) => (v === undefined ? '' : v.toFixed(1).padStart(8));
const pct = (v) => `${(v * 100).toFixed(1).padStart(5)}%`;

console.log(`${args.kind} ${args.transport} ${args.method} c${args.concurrency}: ${run.value.calls} measured calls, ` +
  `${run.value.reqPerSec.toFixed(0)} req/s, ${run.value.clientCpuUsPerCall.toFixed(1)} µs CPU/call; profile ${dir}${profileFile}`);
console.log(`\nself time by area (µs/call over ~${calls} calls):`);
for (const a of summary.byArea.slice(0, 15)) console.log(`${pct(a.share)} ${us(a.usPerCall)}  ${a.area}`);
console.log('\nself time by function:');
for (const f of summary.topSelf.slice(0, args.top)) console.log(`${pct(f.share)} ${us(f.usPerCall)}  ${f.key}`);
console.log('\ninclusive time of our functions:');
for (const f of summary.ourInclusive.slice(0, args.top)) console.log(`${pct(f.share)} ${us(f.usPerCall)}  ${f.key}`);
