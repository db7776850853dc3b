// What OpenTelemetry support costs a client whose app does not trace: our client (POST
// transport, default executor) with `@opentelemetry/api` not installed, against the same client
// with the API installed and no SDK registered, side by side. Each variant runs in its own
// process, warmed up, then measured in short alternating slices (its CPU time per call over a
// fixed number of calls at concurrency 16), so that both share the same machine noise; the
// report is the median ratio over the rounds. "Not installed" is the import hook of the test
// suite that makes the package unresolvable (test/support/register-import-hooks.mjs).
//
//   node bench/telemetry-cost.mjs [--rounds 7] [--calls 4000]
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startResponder } from './runner/responder-process.mjs';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '7' },
    calls: { type: 'string', default: '4000' },
    child: { type: 'string' },
  },
});
const HOOKS = fileURLToPath(new URL('../test/support/register-import-hooks.mjs', import.meta.url));

if (values.child !== undefined) {
  // A variant's process: a client, and a loop measured on demand.
  const { createChatClient } = await import('@afilnet-chat/core');
  const client = createChatClient({
    transport: 'post',
    baseUrl: values.child,
    credentials: { user: 'bench@example.com', password: 'bench-password' },
    allowInsecureHttp: true,
  });
  const run = async (calls) => {
    let left = calls;
    const lane = async () => {
      while (left-- > 0) await client.getChatChannels();
    };
    const before = process.cpuUsage();
    await Promise.all(Array.from({ length: 16 }, lane));
    const used = process.cpuUsage(before);
    return (used.user + used.system) / calls;
  };
  process.on('message', async (message) => {
    if (message.type === 'run')
      process.send({ type: 'result', id: message.id, cpuUsPerCall: await run(message.calls) });
    if (message.type === 'stop') {
      await client.close();
      process.exit(0);
    }
  });
  process.send({ type: 'ready' });
} else {
  const rounds = Number(values.rounds);
  const calls = Number(values.calls);
  const responder = await startResponder();
  const variant = (label, env) => {
    const child = fork(fileURLToPath(import.meta.url), ['--child', responder.baseUrl], {
      execArgv: ['--import', HOOKS],
      env: { ...process.env, ...env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let id = 0;
    const ready = new Promise((resolve) => child.once('message', resolve));
    return {
      label,
      ready,
      run: (n) =>
        new Promise((resolve) => {
          const mine = ++id;
          const onMessage = (message) => {
            if (message.type === 'result' && message.id === mine) {
              child.off('message', onMessage);
              resolve(message.cpuUsPerCall);
            }
          };
          child.on('message', onMessage);
          child.send({ type: 'run', id: mine, calls: n });
        }),
      stop: () =>
        new Promise((resolve) => {
          child.once('exit', resolve);
          child.send({ type: 'stop' });
        }),
    };
  };
  const absent = variant('@opentelemetry/api not installed', {
    AFILNET_TEST_BLOCK_PACKAGE: '@opentelemetry/api',
  });
  const installed = variant('@opentelemetry/api installed, no SDK', {});
  await Promise.all([absent.ready, installed.ready]);
  // Warm-up: V8 reaches optimised code after thousands of calls.
  for (const v of [absent, installed]) await v.run(calls);
  const ratios = [];
  const cpu = { absent: [], installed: [] };
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? [absent, installed] : [installed, absent];
    const result = {};
    for (const v of order) result[v.label] = await v.run(calls);
    cpu.absent.push(result[absent.label]);
    cpu.installed.push(result[installed.label]);
    ratios.push(result[installed.label] / result[absent.label]);
  }
  await Promise.all([absent.stop(), installed.stop()]);
  await responder.stop();
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(`| variant | client CPU per call (median of ${rounds}) |`);
  console.log('|---|---|');
  console.log(`| ${absent.label} | ${median(cpu.absent).toFixed(1)} µs |`);
  console.log(`| ${installed.label} | ${median(cpu.installed).toFixed(1)} µs |`);
  console.log(
    `\nInstalled / not installed, CPU per call: median ${median(ratios).toFixed(3)} (min ${Math.min(...ratios).toFixed(3)}, max ${Math.max(...ratios).toFixed(3)})`,
  );
}
