// Load test (issue 7, item 8), on the built packages: for each transport, N sends at concurrency C
// into a sandbox, then the sandbox's stored messages are compared with what the client
// acknowledged: nothing lost, nothing duplicated. Reports p50/p99 latency and peak RSS.
//
// The sandbox runs in a child process, so that the RSS reported is the client's alone.
//
//   pnpm load                                  # 10,000 sends at concurrency 200, every transport
//   node scripts/load-test.mjs --sends 2000 --concurrency 100 --executor fetch --only soap,post
//   pnpm load --fleet                          # the same through BullMQ and 4 worker processes
//   pnpm load --fleet --workers 8 --concurrency 16 --sends 20000 --only json-oauth
//   pnpm load --fleet --rounds 7                # the queue and bare BullMQ in 7 interleaved rounds
//   pnpm load --fleet --profile DIR            # and a CPU profile of each worker process in DIR
//   pnpm load --inbound [--fleet --workers 3] [--conversations 100,1000,10000]
//                                              # listening to the account (scripts/inbound-load.mjs)
//
// Fleet mode (scripts/fleet-load.mjs) starts a redis-server, sends through the client directly
// and through the queue, and writes its row into bench/RESULTS.md (`--no-record` to skip).
//
// Exits 1 when any send failed or any count disagrees.
import { fork } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const SANDBOX_CHILD = '--sandbox-child';

if (process.argv.includes(SANDBOX_CHILD)) {
  await runSandboxChild();
} else {
  await main();
}

/** The child: a sandbox that answers count requests from the parent over IPC. */
async function runSandboxChild() {
  const { startSandbox } = await import('@afilnet-chat/sandbox');
  const sandbox = await startSandbox();
  // If the parent dies, so does the sandbox: nothing is left listening.
  process.on('disconnect', () => process.exit(0));
  process.on('message', (request) => {
    if (request.type === 'stored') {
      const messages = sandbox
        .messages(request.user)
        .filter((m) => m.destination === request.destination);
      process.send({ type: 'stored', id: request.id, messages: messages.map((m) => m.message) });
    } else if (request.type === 'call') {
      // The inbound load drives the sandbox's control methods from the parent.
      Promise.resolve()
        .then(() => sandbox[request.method](...request.args))
        .then(
          (result) => process.send({ type: 'called', id: request.id, result }),
          (error) => process.send({ type: 'called', id: request.id, error: String(error) }),
        );
    } else if (request.type === 'close') {
      sandbox.close().then(() => process.exit(0));
    }
  });
  process.send({ type: 'ready', url: sandbox.url });
}

function parseArgs(argv) {
  const options = {
    sends: 10_000,
    concurrency: 200,
    executor: 'undici',
    only: undefined,
    fleet: false,
    inbound: false,
    conversations: undefined,
    workers: 4,
    rounds: 5,
    record: true,
  };
  if (argv.includes('--inbound')) Object.assign(options, { inbound: true, workers: 3 });
  if (argv.includes('--fleet')) Object.assign(options, { fleet: true, concurrency: 16 });
  for (let i = 0; i < argv.length; i++) {
    const [name, value] = [argv[i], argv[i + 1]];
    if (name === '--sends') options.sends = Number(value);
    else if (name === '--concurrency') options.concurrency = Number(value);
    else if (name === '--executor') options.executor = value;
    else if (name === '--only') options.only = value.split(',');
    else if (name === '--workers') options.workers = Number(value);
    else if (name === '--rounds') options.rounds = Number(value);
    else if (name === '--profile') options.profile = resolve(value);
    else if (name === '--conversations') options.conversations = value.split(',').map(Number);
    else if (name === '--no-record') {
      options.record = false;
      continue;
    } else continue;
    i++;
  }
  if (options.conversations?.some((n) => !(n > 0) || n % 4 !== 0))
    throw new Error(
      "--conversations must be positive multiples of 4 (the demo account's channels)",
    );
  if (
    !(options.sends > 0) ||
    !(options.concurrency > 0) ||
    !(options.workers > 0) ||
    !(options.rounds > 0)
  ) {
    throw new Error('--sends, --concurrency, --workers and --rounds must be positive');
  }
  if (!['undici', 'fetch'].includes(options.executor))
    throw new Error('--executor must be undici or fetch');
  return options;
}

/** Starts the sandbox child; resolves with its URL and a way to ask for stored messages. */
async function startSandboxChild() {
  const child = fork(fileURLToPath(import.meta.url), [SANDBOX_CHILD], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map();
  let nextId = 0;
  const url = await new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the sandbox exited early (code ${code})`)));
    child.on('message', (message) => {
      if (message.type === 'ready') resolve(message.url);
      else if (message.type === 'stored') {
        pending.get(message.id)?.(message.messages);
        pending.delete(message.id);
      } else if (message.type === 'called') {
        pending.get(message.id)?.(message);
        pending.delete(message.id);
      }
    });
  });
  return {
    url,
    stored: (user, destination) =>
      new Promise((resolve) => {
        const id = nextId++;
        pending.set(id, resolve);
        child.send({ type: 'stored', id, user, destination });
      }),
    call: (method, ...args) =>
      new Promise((resolve, reject) => {
        const id = nextId++;
        pending.set(id, (answer) =>
          answer.error === undefined ? resolve(answer.result) : reject(new Error(answer.error)),
        );
        child.send({ type: 'call', id, method, args });
      }),
    close: () =>
      new Promise((resolve) => {
        child.removeAllListeners('exit');
        child.once('exit', resolve);
        child.send({ type: 'close' });
      }),
  };
}

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Every flavour: the built-in transports, and the variants the matrix runs too. */
function flavours(TRANSPORT_NAMES) {
  const list = TRANSPORT_NAMES.map((name) => ({ label: name, config: { transport: name } }));
  list.splice(list.findIndex((f) => f.label === 'basic') + 1, 0, {
    label: 'basic (GET)',
    config: { transport: 'basic', basic: { method: 'GET' } },
  });
  list.splice(list.findIndex((f) => f.label === 'soap') + 1, 0, {
    label: 'soap (PasswordDigest)',
    config: { transport: 'soap', soap: { passwordType: 'PasswordDigest' } },
  });
  return list;
}

/**
 * Sends `sends` messages through `client` with at most `concurrency` in flight. Every send is
 * made once (retries of the client aside) and its outcome recorded.
 */
async function sendAll(client, destination, sends, concurrency) {
  const latencies = [];
  const acknowledged = [];
  const failures = [];
  let next = 0;
  async function worker() {
    while (next < sends) {
      const index = next++;
      const message = `load message ${index}`;
      const started = performance.now();
      try {
        await client.sendMessage({ platform: 'whatsapp', platformId: '100', destination, message });
        latencies.push(performance.now() - started);
        acknowledged.push(message);
      } catch (error) {
        failures.push({
          message,
          code: error?.code ?? String(error),
          mayHaveBeenSent: error?.mayHaveBeenSent,
        });
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, sends) }, worker));
  return { latencies, acknowledged, failures };
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const { createChatClient } = await import('@afilnet-chat/core');
  const { TRANSPORT_NAMES } = await import('@afilnet-chat/core/constants');
  const { DEMO_ACCOUNT } = await import('@afilnet-chat/sandbox');
  const credentials = { user: DEMO_ACCOUNT.user, password: DEMO_ACCOUNT.password };
  const sandbox = await startSandboxChild();
  if (options.inbound) {
    try {
      const { runInboundLoad } = await import('./inbound-load.mjs');
      process.exitCode = (await runInboundLoad({ options, sandbox, credentials })) ? 0 : 1;
    } finally {
      await sandbox.close();
    }
    return;
  }
  if (options.fleet) {
    try {
      const { runFleetLoad } = await import('./fleet-load.mjs');
      process.exitCode = (await runFleetLoad({ options, sandbox, credentials, sendAll })) ? 0 : 1;
    } finally {
      await sandbox.close();
    }
    return;
  }
  const rows = [];
  let failed = false;

  let peakRss = process.memoryUsage.rss();
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }, 25);

  try {
    for (const [index, flavour] of flavours(TRANSPORT_NAMES).entries()) {
      if (
        options.only &&
        !options.only.includes(flavour.label) &&
        !options.only.includes(flavour.config.transport)
      )
        continue;
      const destination = `load-${index}`;
      const requests = { token: 0, api: 0 };
      const client = createChatClient({
        ...flavour.config,
        baseUrl: sandbox.url,
        credentials,
        allowInsecureHttp: true,
        executor: options.executor,
        onRequest: (event) => {
          if (event.http.url.includes('/oauth/')) requests.token++;
          else requests.api++;
        },
      });
      const rssBefore = process.memoryUsage.rss();
      peakRss = rssBefore;
      const started = performance.now();
      let outcome;
      try {
        outcome = await sendAll(client, destination, options.sends, options.concurrency);
      } finally {
        await client.close();
      }
      const seconds = (performance.now() - started) / 1000;
      const notInstalled =
        outcome.failures.length > 0 &&
        outcome.failures.every((f) => f.code === 'TRANSPORT_NOT_INSTALLED');
      if (notInstalled) {
        rows.push({ transport: flavour.label, result: 'not installed' });
        continue;
      }

      const stored = await sandbox.stored(credentials.user, destination);
      const storedSet = new Set(stored);
      const duplicates = stored.length - storedSet.size;
      const lost = outcome.acknowledged.filter((m) => !storedSet.has(m)).length;
      const sorted = [...outcome.latencies].sort((a, b) => a - b);
      const ok =
        outcome.failures.length === 0 &&
        stored.length === outcome.acknowledged.length &&
        duplicates === 0 &&
        lost === 0;
      if (!ok) failed = true;
      rows.push({
        transport: flavour.label,
        result: ok ? 'ok' : 'FAILED',
        acknowledged: outcome.acknowledged.length,
        stored: stored.length,
        duplicates,
        lost,
        failures: outcome.failures.length,
        'token requests': requests.token,
        'api requests': requests.api,
        'sends/s': Math.round(outcome.acknowledged.length / seconds),
        'p50 ms': Number(percentile(sorted, 50).toFixed(1)),
        'p99 ms': Number(percentile(sorted, 99).toFixed(1)),
        'peak RSS MB': Math.round(peakRss / 2 ** 20),
      });
      if (outcome.failures.length > 0) {
        const byCode = {};
        for (const f of outcome.failures)
          byCode[`${f.code} (mayHaveBeenSent ${f.mayHaveBeenSent})`] =
            (byCode[`${f.code} (mayHaveBeenSent ${f.mayHaveBeenSent})`] ?? 0) + 1;
        console.error(`${flavour.label}: failures`, byCode);
      }
    }
  } finally {
    clearInterval(sampler);
    await sandbox.close();
  }

  console.log(
    `${options.sends} sends per transport at concurrency ${options.concurrency}, executor ${options.executor} (client process; the sandbox runs in a child)`,
  );
  console.table(rows);
  console.log(
    `peak RSS of the client process over the whole run: ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`,
  );
  if (rows.every((r) => r.result === 'not installed')) {
    console.error('no transport is installed');
    failed = true;
  }
  process.exitCode = failed ? 1 : 0;
}
