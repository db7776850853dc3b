/**
 * The watcher of the inbound soak: `chat.watchInbound()` over the whole account, as an app runs
 * it, its loop only counting messages. After the warm-up (the first polls read every seeded
 * conversation), it measures the window with `measure-listener.mjs`, and counts the messages
 * handled in it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { createChatClient, createFileCheckpoint } from '@afilnet-chat/core';
import { onCommand } from '../worker/parent-channel.mjs';
import { soakClientConfig } from './soak-sandbox.mjs';
import { measureListener } from './measure-listener.mjs';

let watch;

/**
 * Starts the watch (on `job.checkpointPath` when given, e.g. a relay's checkpoint, else in a temp
 * dir); resolves once the seeded backlog has been handled (or `backlogLimitMs` passed).
 */
onCommand('start', async (job) => {
  const dir = await mkdtemp(join(tmpdir(), 'afilnet-inbound-soak-'));
  const chat = createChatClient(soakClientConfig(job.url, job.transport));
  const stop = new AbortController();
  const inbound = chat.watchInbound({
    intervalMs: job.intervalMs,
    checkpoint:
      job.checkpoint === 'file'
        ? createFileCheckpoint(job.checkpointPath ?? join(dir, 'inbound.json'))
        : undefined,
    signal: stop.signal,
  });
  watch = { job, dir, chat, stop, handled: 0 };
  watch.loop = (async () => {
    for await (const message of inbound) if (message.messageId !== '') watch.handled += 1;
  })();
  const startedAt = performance.now();
  while (watch.handled < job.seeded && performance.now() - startedAt < job.backlogLimitMs)
    await sleep(200);
  return { backlogMs: performance.now() - startedAt, backlogHandled: watch.handled >= job.seeded };
});

/** After `warmupMs` of the steady trickle, measures for `durationMs`, then stops the watch. */
onCommand('measure', async ({ warmupMs, durationMs }) => {
  const { job, dir, chat, stop } = watch;
  try {
    let handledAtStart = 0;
    const window = await measureListener({
      sandboxUrl: job.url,
      intervalMs: job.intervalMs,
      warmupMs,
      durationMs,
      onOpen: () => {
        handledAtStart = watch.handled;
      },
    });
    return { ...window, handled: watch.handled - handledAtStart };
  } finally {
    stop.abort();
    await watch.loop.catch(() => undefined);
    await chat.close();
    await rm(dir, { recursive: true, force: true });
  }
});

onCommand('close', async () => null);
