/**
 * `node bench/profiling/acknowledgement-cost.mjs [--acks 2000] [--conversations 10000] [--runs 3]`:
 * what one acknowledgement costs on a file checkpoint, made the way `watchInbound` makes them
 * (one message at a time, each awaited before the next), on a state of `--conversations`
 * conversations holding `--acks` pending messages. Prints per run the CPU (every thread, system
 * time apart) and the time waited per acknowledgement. Run it on two builds (a `git worktree` of
 * the code before) to compare them; the checkpoint lives in a temp dir on the machine's disk,
 * whose flushes are what it measures.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createFileCheckpoint } from '@afilnet-chat/core';
import { acknowledgeInbound, createInboundState } from '@afilnet-chat/core/inbound';

const { values } = parseArgs({
  options: {
    acks: { type: 'string', default: '2000' },
    conversations: { type: 'string', default: '10000' },
    runs: { type: 'string', default: '3' },
  },
});
const ACKS = Number(values.acks);
const CONVERSATIONS = Number(values.conversations);

async function run() {
  const dir = await mkdtemp(join(tmpdir(), 'afilnet-ack-cost-'));
  const checkpoint = createFileCheckpoint(join(dir, 'inbound.json'));
  try {
    const state = (await checkpoint.open()) ?? createInboundState();
    for (let i = 0; i < CONVERSATIONS; i++) {
      const destination = String(34_600_000_000 + i);
      state.conversations[`whatsapp/100/${destination}`] = {
        platform: 'whatsapp',
        platformId: '100',
        destination,
        marker: `m${i}`,
      };
    }
    for (let i = 0; i < ACKS; i++)
      state.pending.push({
        platform: 'whatsapp',
        platformId: '100',
        destination: String(34_600_000_000 + (i % CONVERSATIONS)),
        messageId: `id${i}`,
        message: 'Hello, is my order on its way?',
        sent: false,
        status: 'unread',
        datetime: '2026-12-07 10:00:00',
      });
    await checkpoint.save(state);
    const cpuBefore = process.cpuUsage();
    const startedAt = performance.now();
    for (let i = 0; i < ACKS; i++) {
      acknowledgeInbound(state, [`id${i}`]);
      await checkpoint.acknowledge([`id${i}`]);
    }
    const cpu = process.cpuUsage(cpuBefore);
    const waited = performance.now() - startedAt;
    await checkpoint.close();
    return {
      cpu: (cpu.user + cpu.system) / ACKS,
      system: cpu.system / ACKS,
      waited: (waited * 1000) / ACKS,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

console.log(
  `${ACKS.toLocaleString('en-US')} acknowledgements, one at a time, on a file checkpoint of ${CONVERSATIONS.toLocaleString('en-US')} conversations:`,
);
for (let r = 0; r < Number(values.runs); r++) {
  const { cpu, system, waited } = await run();
  console.log(
    `  run ${r + 1}: CPU ${cpu.toFixed(0)} µs (system ${system.toFixed(0)}), waited ${waited.toFixed(0)} µs per acknowledgement`,
  );
}
