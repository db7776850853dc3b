// What one acknowledgement costs the file checkpoint at the soak's scale: a state of 10,000
// conversations with 1,000 messages pending, each acknowledged in turn, for `--seconds` each way:
// through `acknowledge()` (one flushed append to the journal, what `watchInbound` does) and
// through `save()` (the whole state rewritten atomically, what it did before the journal).
// Prints acknowledgements per second both ways; the disk is the temp directory's.
//
//   node bench/checkpoint-ack-rate.mjs [--seconds 5] [--no-build]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { buildPackages } from './runner/build-packages.mjs';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    'no-build': { type: 'boolean', default: false },
  },
});
const seconds = Number(values.seconds);
if (!Number.isFinite(seconds) || seconds <= 0) {
  console.error('usage: node bench/checkpoint-ack-rate.mjs [--seconds 5] [--no-build]');
  process.exit(2);
}
if (!values['no-build']) {
  const [[name, { ok, reason }]] = buildPackages(['@afilnet-chat/core'], { build: true });
  if (!ok) {
    console.error(`[ack-rate] ${name} is not available: ${reason}`);
    process.exit(1);
  }
}
const { createFileCheckpoint } = await import('@afilnet-chat/core');
const { acknowledgeInbound, conversationKey, createInboundState } = await import(
  '@afilnet-chat/core/inbound'
);

const CONVERSATIONS = 10_000;
const PENDING = 1_000;

function seededState() {
  const state = createInboundState();
  for (let i = 0; i < CONVERSATIONS; i++) {
    const channel = { platform: 'whatsapp', platformId: String(100 + (i % 4)) };
    const destination = `3460${String(i).padStart(7, '0')}`;
    state.conversations[conversationKey({ ...channel, destination })] = {
      ...channel,
      destination,
      marker: String(2 * i),
      lastTaken: String(2 * i + 1),
    };
  }
  for (let i = 0; i < PENDING; i++) {
    state.pending.push({
      platformId: '100',
      platform: 'whatsapp',
      destination: `3460${String(i).padStart(7, '0')}`,
      messageId: String(1e9 + i),
      message: 'hello, I would like to know where my order is',
      sent: false,
      status: 'unread',
      datetime: '2024-05-01 10:00:00',
    });
  }
  return state;
}

/** Acknowledges pending messages one at a time for `seconds` (or until none is left), the way `how` records each. */
async function rate(how) {
  const dir = await mkdtemp(join(tmpdir(), 'afilnet-ack-rate-'));
  try {
    const checkpoint = createFileCheckpoint(join(dir, 'inbound.json'));
    await checkpoint.open();
    const state = seededState();
    await checkpoint.save(state);
    const size = JSON.stringify(state).length;
    let acknowledged = 0;
    const started = performance.now();
    while (performance.now() - started < seconds * 1000 && state.pending.length > 0) {
      const id = state.pending[0].messageId;
      acknowledgeInbound(state, [id]);
      await (how === 'journal' ? checkpoint.acknowledge([id]) : checkpoint.save(state));
      acknowledged += 1;
    }
    const elapsed = (performance.now() - started) / 1000;
    await checkpoint.close();
    return { acknowledged, elapsed, perSecond: acknowledged / elapsed, stateMb: size / 2 ** 20 };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

for (const how of ['journal', 'whole state']) {
  const r = await rate(how);
  console.log(
    `[ack-rate] ${how}: ${r.perSecond.toFixed(0)} acknowledgements/s (${r.acknowledged} in ${r.elapsed.toFixed(1)} s, state ${r.stateMb.toFixed(2)} MB)`,
  );
}
