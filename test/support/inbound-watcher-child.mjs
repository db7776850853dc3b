// A process listening to the sandbox account with `watchInbound` on a file checkpoint
// (test/watch-inbound-crash.test.ts). Each message it handles is written to the record file and
// flushed to disk before it asks for the next one, so the record says exactly what was handled
// when the parent kills it. It never decides anything: the parent asserts.
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { createChatClient, createFileCheckpoint } from '@afilnet-chat/core';
import '@afilnet-chat/transport-post';

const task = JSON.parse(process.env.INBOUND_WATCHER ?? '{}');
const record = openSync(task.record, 'a');
const write = (line) => {
  writeSync(record, `${line}\n`);
  fsyncSync(record);
};

const chat = createChatClient({
  transport: 'post',
  baseUrl: task.baseUrl,
  credentials: task.credentials,
  allowInsecureHttp: true,
  timeoutMs: 5_000,
});
write(JSON.stringify({ start: process.pid }));
const watch = chat.watchInbound({
  intervalMs: task.intervalMs,
  maxBackoffMs: 500,
  checkpoint: createFileCheckpoint(task.checkpoint),
});
for await (const message of watch) {
  // A handler that takes a little time, so that kills land while handling too.
  await sleep(Math.random() * task.handleMs);
  write(
    JSON.stringify({
      id: message.messageId,
      key: `${message.platform}/${message.platformId}/${message.destination}`,
      sent: message.sent,
    }),
  );
}
closeSync(record);
