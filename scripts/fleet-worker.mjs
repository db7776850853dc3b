// One worker process of a sending fleet (`pnpm load --fleet`, test/fleet-bullmq.test.ts): a
// send worker on BullMQ whose client sends to the URL it is given, configured by the JSON in
// FLEET_WORKER. It says `ready` once BullMQ's worker is, and runs until the parent kills it or
// goes away.
import { createChatClient } from '@afilnet-chat/core';
import { createSendWorker } from '@afilnet-chat/bullmq';

const settings = JSON.parse(process.env.FLEET_WORKER ?? '{}');
const client = createChatClient({
  transport: settings.transport ?? 'post',
  baseUrl: settings.baseUrl,
  credentials: settings.credentials,
  allowInsecureHttp: true,
  timeoutMs: settings.timeoutMs,
});
const connection = { host: '127.0.0.1', port: settings.redisPort, maxRetriesPerRequest: null };
// `bare`: BullMQ's own Worker calling the client, the yardstick of `pnpm load --fleet`.
const worker = settings.bare
  ? new (await import('bullmq')).Worker(
      settings.queueName,
      (job) => client.sendMessage(job.data.input),
      { connection, concurrency: settings.concurrency },
    )
  : createSendWorker({
      connection,
      queueName: settings.queueName,
      client,
      concurrency: settings.concurrency,
      limiter: settings.limiter,
      lockDuration: settings.lockDuration,
      stalledInterval: settings.stalledInterval,
    });
worker.on('error', () => undefined);
process.on('disconnect', () => {
  worker.close().finally(() => process.exit(0));
});
await worker.waitUntilReady();
process.send({ type: 'ready' });
