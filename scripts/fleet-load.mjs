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

function startWorkers(count, settings) {
  const children = Array.from({ length: count }, () =>
    fork(WORKER, [], {
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
            child.kill('SIGKILL');
          }),
      ),
    );
  return { ready, stop };
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
 * Queues `sends` messages to `destination` and waits until every job has finished, polling
 * every `pollMs`. Resolves with the seconds it took and how many polls were made.
 */
async function throughQueue(queue, destination, sends, pollMs) {
  const started = performance.now();
  let next = 0;
  const enqueue = async () => {
    while (next < sends) {
      const index = next++;
      const message = `${destination} ${index}`;
      await queue.sendMessage(
        { platform: 'whatsapp', platformId: '100', destination, message },
        { idempotencyKey: message.replace(' ', '-') },
      );
    }
  };
  await Promise.all(Array.from({ length: 64 }, enqueue));
  let polls = 0;
  for (;;) {
    polls++;
    const counts = await queue.getJobCounts('completed', 'failed');
    if (counts.completed + counts.failed >= sends)
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

    fleetWorkers = startWorkers(workers, {
      transport,
      baseUrl: sandbox.url,
      credentials,
      redisPort: redisServer.port,
      queueName: 'load',
      concurrency,
      timeoutMs: 30_000,
    });
    await fleetWorkers.ready;
    queue = createSendQueue({ connection, queueName: 'load' });
    await queue.waitUntilReady();

    const before = commandCalls(await admin.info('commandstats'));
    const timed = await throughQueue(queue, 'fleet-queue', sends, 100);
    const commands = commandCalls(await admin.info('commandstats')) - before;

    // A shorter pass under MONITOR counts the commands clients sent, apart from Lua's own calls.
    const countedSends = Math.max(500, Math.round(sends / 5));
    const monitor = await admin.monitor();
    let sent = 0;
    monitor.on('monitor', (_time, _args, source) => {
      if (source !== 'lua') sent++;
    });
    const counted = await throughQueue(queue, 'fleet-counted', countedSends, 100);
    monitor.disconnect();
    const roundTrips = sent - counted.polls;

    // The same sends through bare BullMQ: a Worker whose processor is client.sendMessage, jobs
    // added with queue.add(name, data, { jobId }).
    await fleetWorkers.stop();
    fleetWorkers = startWorkers(workers, {
      transport,
      baseUrl: sandbox.url,
      credentials,
      redisPort: redisServer.port,
      queueName: 'load-bare',
      concurrency,
      timeoutMs: 30_000,
      bare: true,
    });
    await fleetWorkers.ready;
    const { Queue } = await import('bullmq');
    bareQueue = new Queue('load-bare', { connection });
    const bare = {
      sendMessage: (input, { idempotencyKey }) =>
        bareQueue.add(
          'sendmessage',
          { idempotencyKey, method: 'sendmessage', input },
          { jobId: `key-${idempotencyKey}` },
        ),
      getJobCounts: (...states) => bareQueue.getJobCounts(...states),
    };
    const bareBefore = commandCalls(await admin.info('commandstats'));
    const bareTimed = await throughQueue(bare, 'fleet-bare', sends, 100);
    const bareCommands = commandCalls(await admin.info('commandstats')) - bareBefore;

    const check = async (destination, acknowledged) => {
      const stored = await sandbox.stored(credentials.user, destination);
      return {
        duplicates: stored.length - new Set(stored).size,
        lost: acknowledged - new Set(stored).size,
      };
    };
    const directCheck = await check('fleet-direct', direct.acknowledged.length);
    const fleetCheck = await check('fleet-queue', sends - timed.failed);
    const bareCheck = await check('fleet-bare', sends - bareTimed.failed);
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
      sends,
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
        perSecond: (sends - timed.failed) / timed.seconds,
        failures: timed.failed,
        ...fleetCheck,
      },
      roundTripsPerMessage: roundTrips / countedSends,
      commandsPerMessage: commands / sends,
      bare: {
        perSecond: (sends - bareTimed.failed) / bareTimed.seconds,
        failures: bareTimed.failed,
        ...bareCheck,
        commandsPerMessage: bareCommands / sends,
      },
    };
    console.log(
      `fleet mode: ${sends} sends (${transport}), ${workers} worker processes × concurrency ${concurrency}, vs the client called directly at ${workers * concurrency} in flight`,
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
    if (ok && options.record) saveFleetRecord(record);
    return ok;
  } finally {
    await queue?.close();
    await bareQueue?.close();
    await fleetWorkers?.stop();
    admin.disconnect();
    await redisServer.stop();
  }
}
