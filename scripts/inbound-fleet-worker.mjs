// One process of a receiving fleet (test/fleet-inbound.test.ts, `pnpm load --inbound --fleet`):
// an inbound poller and an inbound worker on BullMQ, configured by the JSON in INBOUND_FLEET.
// With a record file, it appends one JSON line per event (poll started and ended, handler
// started and ended), each with a single appendFileSync, so lines of several processes never
// mix. It never decides anything: the parent asserts. It says `ready` once both are running.
import { appendFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { createChatClient } from '@afilnet-chat/core';
import { createInboundPoller, createInboundWorker } from '@afilnet-chat/bullmq';
import '@afilnet-chat/transport-post';

const task = JSON.parse(process.env.INBOUND_FLEET ?? '{}');
const pid = process.pid;
const record = (event) => {
  if (task.record !== undefined)
    appendFileSync(task.record, `${JSON.stringify({ ...event, pid, t: Date.now() })}\n`);
};

const connection = { host: '127.0.0.1', port: task.redisPort, maxRetriesPerRequest: null };
const client = createChatClient({
  transport: 'post',
  baseUrl: task.baseUrl,
  credentials: task.credentials,
  allowInsecureHttp: true,
  timeoutMs: 5_000,
});
const worker = createInboundWorker(
  {
    connection,
    queueName: task.queueName,
    concurrency: task.concurrency ?? 8,
    lockDuration: task.lockDuration,
    stalledInterval: task.stalledInterval,
    maxStalledCount: task.maxStalledCount,
    recheckMs: task.recheckMs,
  },
  async (message, job) => {
    record({ e: 'start', id: message.messageId, c: job.data.conversation, sent: message.sent });
    if (task.handleMs) await sleep(Math.random() * task.handleMs);
    record({ e: 'end', id: message.messageId, c: job.data.conversation });
    if (process.send !== undefined && task.reportHandled)
      process.send({ type: 'handled', id: message.messageId, t: Date.now() });
  },
);
worker.on('error', () => undefined);
const poller = await createInboundPoller({
  connection,
  queueName: task.queueName,
  client,
  intervalMs: task.intervalMs,
  recheckMs: task.recheckMs,
});
poller.worker.on('active', () => record({ e: 'poll' }));
poller.worker.on('completed', (_job, report) => {
  record({ e: 'polled', queued: report.queued });
  if (process.send !== undefined && task.reportPolls) process.send({ type: 'poll', report });
});
poller.worker.on('failed', () => record({ e: 'poll-failed' }));
await worker.waitUntilReady();
process.on('disconnect', () => {
  Promise.allSettled([poller.close(), worker.close(), client.close()]).finally(() =>
    process.exit(0),
  );
});
process.send?.({ type: 'ready' });
