// `pnpm load --fleet`: the same sends through BullMQ and N worker processes, against the client
// called directly at the same number of sends in flight. Reports messages per second both ways
// and Redis round trips per message, checks that nothing was lost or received twice, and writes
// the row of bench/RESULTS.md (bench/report/fleet-section.mjs).
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { saveFleetRecord } from '../bench/report/fleet-section.mjs';
import { startRedisServer } from './redis-server.mjs';

const WORKER = fileURLToPath(new URL('./fleet-worker.mjs', import.meta.url));

/**
 * Starts `count` worker processes. With `profileDir`, each writes a CPU profile there (named
 * after `settings.queueName`) and `stop` lets them exit by themselves so that they write it.
 */
function startWorkers(count, settings, profileDir) {
  const execArgv = (index) =>
    profileDir === undefined
      ? []
      : [
          '--cpu-prof',
          '--cpu-prof-dir',
          profileDir,
          '--cpu-prof-name',
          `${settings.queueName}-${index}.cpuprofile`,
        ];
  const children = Array.from({ length: count }, (_, index) =>
    fork(WORKER, [], {
      execArgv: execArgv(index),
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, FLEET_WORKER: JSON.stringify(settings) },
    }),
  );
  const ready = Promise.all(
    children.map(
      (child) =>
        new Promise((resolve, reject) => {
          child.once('message', resolve);
          child.once('exit', (code) =>
            reject(new Error(`a fleet worker exited early (code ${code})`)),
          );
        }),
    ),
  );
  const stop = () =>
    Promise.all(
      children.map(
        (child) =>
          new Promise((resolve) => {
            if (child.exitCode !== null) return resolve();
            child.once('exit', resolve);
            if (profileDir === undefined) child.kill('SIGKILL');
            else child.disconnect();
          }),
      ),
    );
  return { ready, stop };
}

/** The median of `values` (not empty). */
function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Sums `calls=` over INFO commandstats, leaving out the measuring commands themselves. */
function commandCalls(info) {
  let calls = 0;
  for (const line of info.split('\n')) {
    const match = /^cmdstat_([^:]+):calls=(\d+)/.exec(line.trim());
    if (match && !/^(info|config|monitor|client)/.test(match[1])) calls += Number(match[2]);
  }
  return calls;
}

/**
 * Queues `sends` messages to `destination` (their texts and keys begin with `tag`) and waits
 * until every job has finished, `already` finished before included, polling every `pollMs`.
 * Resolves with the seconds it took and how many polls were made.
 */
async function throughQueue(queue, destination, sends, pollMs, already = 0, tag = destination) {
  const started = performance.now();
  let next = 0;
  const enqueue = async () => {
    while (next < sends) {
      const index = next++;
      const message = `${tag} ${index}`;
      await queue.sendMessage(
        { platform: 'whatsapp', platformId: '100', destination, message },
        { idempotencyKey: message.replaceAll(' ', '-') },
      );
    }
  };
  await Promise.all(Array.from({ length: 64 }, enqueue));
  let polls = 0;
  for (;;) {
    polls++;
    const counts = await queue.getJobCounts('completed', 'failed');
    if (counts.completed + counts.failed >= already + sends)
      return { seconds: (performance.now() - started) / 1000, polls, failed: counts.failed };
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/** Runs the fleet comparison; resolves with true when every count agrees. */
export async function runFleetLoad({ options, sandbox, credentials, sendAll }) {
  const { createChatClient } = await import('@afilnet-chat/core');
  const { createSendQueue } = await import('@afilnet-chat/bullmq');
  const { Redis } = await import('ioredis');
  const transport = options.only?.[0] ?? 'post';
  const { workers, concurrency, sends } = options;
  const redisServer = await startRedisServer();
  const load = loadavg();
  const admin = new Redis(redisServer.url);
  const connection = { host: '127.0.0.1', port: redisServer.port, maxRetriesPerRequest: null };
  let fleetWorkers;
  let bareWorkers;
  let queue;
  let bareQueue;
  try {
    const client = createChatClient({
      transport,
      baseUrl: sandbox.url,
      credentials,
      allowInsecureHttp: true,
      executor: options.executor,
    });
    const directStarted = performance.now();
    const direct = await sendAll(client, 'fleet-direct', sends, workers * concurrency);
    const directSeconds = (performance.now() - directStarted) / 1000;
    await client.close();

    const workerSettings = {
      transport,
      baseUrl: sandbox.url,
      credentials,
      redisPort: redisServer.port,
      concurrency,
      timeoutMs: 30_000,
    };
    // Both fleets run side by side for the whole comparison; the idle one only waits on Redis.
    fleetWorkers = startWorkers(workers, { ...workerSettings, queueName: 'load' }, options.profile);
    bareWorkers = startWorkers(
      workers,
      { ...workerSettings, queueName: 'load-bare', bare: true },
      options.profile,
    );
    await Promise.all([fleetWorkers.ready, bareWorkers.ready]);
    queue = createSendQueue({ connection, queueName: 'load' });
    await queue.waitUntilReady();
    // The same sends through bare BullMQ: a Worker whose processor is client.sendMessage, jobs
    // added with queue.add(name, data, { jobId }).
    const { Queue } = await import('bullmq');
    bareQueue = new Queue('load-bare', { connection });
    await bareQueue.waitUntilReady();
    const bare = {
      sendMessage: (input, { idempotencyKey }) =>
        bareQueue.add(
          'sendmessage',
          { idempotencyKey, method: 'sendmessage', input },
          { jobId: `key-${idempotencyKey}` },
        ),
      getJobCounts: (...states) => bareQueue.getJobCounts(...states),
    };

    // Interleaved slices, the order alternating, so that a change in the machine's load between
    // slices weighs on both paths alike; each round gives one ratio.
    const { rounds } = options;
    const slice = Math.ceil(sends / rounds);
    const totals = {
      fleet: { seconds: 0, sent: 0, failed: 0, commands: 0 },
      bare: { seconds: 0, sent: 0, failed: 0, commands: 0 },
    };
    const ratios = [];
    const runSlice = async (path, round) => {
      const target = path === 'fleet' ? queue : bare;
      const destination = path === 'fleet' ? 'fleet-queue' : 'fleet-bare';
      const before = commandCalls(await admin.info('commandstats'));
      // Job counts are cumulative: each slice waits for the jobs of every slice so far.
      const done = totals[path].sent;
      const timed = await throughQueue(
        target,
        destination,
        slice,
        100,
        done,
        `${destination}-r${round}`,
      );
      totals[path].commands += commandCalls(await admin.info('commandstats')) - before;
      totals[path].seconds += timed.seconds;
      totals[path].sent += slice;
      totals[path].failed = timed.failed;
      return slice / timed.seconds;
    };
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? ['fleet', 'bare'] : ['bare', 'fleet'];
      const rate = {};
      for (const path of order) rate[path] = await runSlice(path, round);
      ratios.push(rate.fleet / rate.bare);
    }
    const timed = { seconds: totals.fleet.seconds, failed: totals.fleet.failed };
    const bareTimed = { seconds: totals.bare.seconds, failed: totals.bare.failed };
    const commands = totals.fleet.commands;
    const bareCommands = totals.bare.commands;
    const total = slice * rounds;

    // A shorter pass under MONITOR counts the commands clients sent, apart from Lua's own calls.
    const countedSends = Math.max(500, Math.round(sends / 5));
    const monitor = await admin.monitor();
    let sent = 0;
    monitor.on('monitor', (_time, _args, source) => {
      if (source !== 'lua') sent++;
    });
    const counted = await throughQueue(queue, 'fleet-counted', countedSends, 100, total);
    monitor.disconnect();
    const roundTrips = sent - counted.polls;

    const check = async (destination, acknowledged) => {
      const stored = await sandbox.stored(credentials.user, destination);
      return {
        duplicates: stored.length - new Set(stored).size,
        lost: acknowledged - new Set(stored).size,
      };
    };
    const directCheck = await check('fleet-direct', direct.acknowledged.length);
    const fleetCheck = await check('fleet-queue', total - timed.failed);
    const bareCheck = await check('fleet-bare', total - bareTimed.failed);
    const require = createRequire(import.meta.url);
    const bullmqVersion = require(
      require.resolve('bullmq/package.json', {
        paths: [fileURLToPath(new URL('../packages/bullmq/', import.meta.url))],
      }),
    ).version;
    const redisVersion = /redis_version:(\S+)/.exec(await admin.info('server'))?.[1] ?? 'unknown';
    const record = {
      date: new Date().toISOString(),
      transport,
      sends: total,
      rounds,
      workers,
      concurrency,
      load,
      cores: availableParallelism(),
      redisVersion,
      bullmqVersion,
      countedSends,
      direct: {
        perSecond: direct.acknowledged.length / directSeconds,
        failures: direct.failures.length,
        ...directCheck,
      },
      fleet: {
        perSecond: (total - timed.failed) / timed.seconds,
        failures: timed.failed,
        ...fleetCheck,
      },
      roundTripsPerMessage: roundTrips / countedSends,
      commandsPerMessage: commands / total,
      bare: {
        perSecond: (total - bareTimed.failed) / bareTimed.seconds,
        failures: bareTimed.failed,
        ...bareCheck,
        commandsPerMessage: bareCommands / total,
      },
      ratios,
    };
    console.log(
      `fleet mode: ${total} sends (${transport}), ${workers} worker processes × concurrency ${concurrency}, vs the client called directly at ${workers * concurrency} in flight`,
    );
    console.table([
      {
        path: 'direct',
        'messages/s': Math.round(record.direct.perSecond),
        failures: record.direct.failures,
        lost: directCheck.lost,
        'received twice': directCheck.duplicates,
      },
      {
        path: `queue → ${workers} workers`,
        'messages/s': Math.round(record.fleet.perSecond),
        failures: timed.failed,
        lost: fleetCheck.lost,
        'received twice': fleetCheck.duplicates,
        'Redis round trips/msg': Number(record.roundTripsPerMessage.toFixed(2)),
        'Redis commands/msg': Number(record.commandsPerMessage.toFixed(2)),
      },
      {
        path: `bare BullMQ → ${workers} workers`,
        'messages/s': Math.round(record.bare.perSecond),
        failures: bareTimed.failed,
        lost: bareCheck.lost,
        'received twice': bareCheck.duplicates,
        'Redis commands/msg': Number(record.bare.commandsPerMessage.toFixed(2)),
      },
    ]);
    const ok =
      direct.failures.length === 0 &&
      timed.failed === 0 &&
      counted.failed === 0 &&
      bareTimed.failed === 0 &&
      directCheck.lost +
        directCheck.duplicates +
        fleetCheck.lost +
        fleetCheck.duplicates +
        bareCheck.lost +
        bareCheck.duplicates ===
        0;
    const sorted = [...ratios].sort((a, b) => a - b);
    console.log(
      `queue ÷ bare BullMQ, messages/s over ${rounds} interleaved rounds: median ${median(ratios).toFixed(2)}, range ${sorted[0].toFixed(2)}–${sorted[sorted.length - 1].toFixed(2)} (${ratios.map((r) => r.toFixed(2)).join(', ')})`,
    );
    if (ok && options.record) saveFleetRecord(record);
    return ok;
  } finally {
    await queue?.close();
    await bareQueue?.close();
    await Promise.all([fleetWorkers?.stop(), bareWorkers?.stop()]);
    admin.disconnect();
    await redisServer.stop();
  }
}
