/**
 * `node --import tsx bench/profiling/inbound-poll-steps.mjs [--rounds 30]`: what each step of one
 * `watchInbound` poll costs in CPU time at the soak's scale (4 channels × 2,500 conversations),
 * with nothing changed since the previous poll — the part of a poll that does not depend on the
 * conversations that change.
 *
 * The sandbox runs in a process of its own (bench/soak/inbound-sandbox.mjs, as in the soak), so
 * that its CPU is not counted. Measured here, in process, from core's sources:
 *
 * - the HTTP exchange alone: undici `request()` of the four `getchats` bodies, text read;
 * - the listing alone: the same, each body parsed by `JSON.parse`: what any client of the API
 *   pays per poll, since `getchats` takes no "changed since" parameter;
 * - `JSON.parse` of the four answers (`parseJsonPayload`);
 * - decoding and validation of the chat lists (`decodeResponse('getchats')`);
 * - `conversationKey` of the 10,000 latest messages;
 * - the comparison of the latest messages with the state: as it was (a `conversationKey` built
 *   per chat, written out here) and as it is (`changedLatest`, pollInbound's own, keys memoised
 *   per channel);
 * - the checkpoint's save of the state (`JSON.stringify` + `writeFileAtomic`, what a file save does);
 * - the whole idle poll: `pollInbound` through a client (post transport), with a memory save and
 *   with the file checkpoint's save;
 * - a poll in which 1 % or 10 % of the conversations changed (their markers are set aside before
 *   each round, so each is read; the reads answer nothing): with a memory save, with a save that
 *   writes the whole state (`JSON.stringify` + `writeFileAtomic`, what the file checkpoint did
 *   before its journal of changes) and with the file checkpoint (a journal line per save, the
 *   state written whole when the journal outgrows it), comparing the whole state on each save or
 *   told of the conversations the poll changed (as `watchInbound` tells it); and the saves of such
 *   a poll alone, both ways.
 *
 * Last, the fixed part and the cost per changed conversation of a line through the 1 % and 10 %
 * polls (memory save), beside half the 1 % poll and the listing: the soak's CPU rule, in process.
 *
 * Each step is run `--rounds` times; the table gives the median and the fastest round's CPU time
 * (`process.cpuUsage()`, user + system) in ms, for all four channels together. The fastest round is
 * the one the shared machine's load moves least; read the differences between rows of one run.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createChatClient } from '../../packages/core/src/index.ts';
import { createFileCheckpoint } from '../../packages/core/src/inbound/file-checkpoint.ts';
import { conversationKey } from '../../packages/core/src/inbound/conversation-key.ts';
import { createInboundState } from '../../packages/core/src/inbound/inbound-state.ts';
import { changedLatest, pollInbound } from '../../packages/core/src/inbound/poll-inbound.ts';
import { writeFileAtomic } from '../../packages/core/src/inbound/write-file-atomic.ts';
import { parseJsonPayload } from '../../packages/core/src/wire/parse-json-payload.ts';
import { decodeResponse } from '../../packages/core/src/wire/decode-response.ts';
import { PLATFORMS } from '../../packages/core/src/wire/chat-types.ts';
import {
  CONVERSATIONS_PER_CHANNEL,
  readListing,
  SOAK_CHANNELS,
  seedSoakSandbox,
  soakClientConfig,
  startSoakSandbox,
} from '../soak/soak-sandbox.mjs';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '30' } } });
const ROUNDS = Number(values.rounds);
const CHANNELS = SOAK_CHANNELS;

const cpuMicros = () => {
  const { user, system } = process.cpuUsage();
  return user + system;
};

/** Runs `step` ROUNDS times (after two untimed ones); its median and fastest CPU ms. */
async function measure(name, step) {
  const times = [];
  for (let i = 0; i < ROUNDS + 2; i++) {
    globalThis.gc?.();
    const before = cpuMicros();
    await step();
    if (i >= 2) times.push((cpuMicros() - before) / 1000);
  }
  times.sort((a, b) => a - b);
  const row = { step: name, median: times[Math.floor(times.length / 2)], fastest: times[0] };
  console.log(
    `${name.padEnd(72)} ${row.median.toFixed(2).padStart(8)} ${row.fastest.toFixed(2).padStart(8)}`,
  );
  return row;
}

const sandbox = startSoakSandbox();
const dir = await mkdtemp(join(tmpdir(), 'afilnet-poll-steps-'));
try {
  const { url } = await seedSoakSandbox(sandbox);
  const chat = createChatClient(soakClientConfig(url));
  const fetchBodies = () => readListing(url);
  const bodies = await fetchBodies();
  const payloads = bodies.map(parseJsonPayload);
  const decode = (payload) => decodeResponse('getchats', { httpStatus: 200, payload });
  const lists = payloads.map(decode);
  if (lists.some((l) => l.length !== CONVERSATIONS_PER_CHANNEL))
    throw new Error(`getchats answered ${lists.map((l) => l.length)} chats`);
  console.log(
    `${CHANNELS.length} getchats answers, ${bodies.reduce((n, b) => n + b.length, 0).toLocaleString('en-US')} characters, ${lists.flat().length} chats; CPU ms for the four, median / fastest of ${ROUNDS}`,
  );

  // A state that has seen every conversation: what an idle poll compares with.
  const state = createInboundState();
  await pollInbound(state, chat, { save: async () => undefined, sweepIntervalMs: 0 });
  state.pending = [];
  console.log(
    `state: ${Object.keys(state.conversations).length} conversations, ${JSON.stringify(state).length.toLocaleString('en-US')} characters of JSON`,
  );

  const rows = [];
  rows.push(await measure('HTTP exchange alone: undici request() × 4, body text', fetchBodies));
  const listing = await measure(
    'the listing alone: undici request() × 4, body text, JSON.parse (any client, every poll)',
    async () => (await fetchBodies()).map((body) => JSON.parse(body)),
  );
  rows.push(listing);
  rows.push(
    await measure('client.getChats × 4 (HTTP, JSON.parse, decoding: the whole call)', () =>
      Promise.all(CHANNELS.map((c) => chat.getChats(c))),
    ),
  );
  rows.push(await measure('JSON.parse × 4 (parseJsonPayload)', () => bodies.map(parseJsonPayload)));
  rows.push(
    await measure("decoding + validation × 4 (decodeResponse('getchats'))", () =>
      payloads.map(decode),
    ),
  );
  const latest = lists.flat();
  rows.push(
    await measure('conversationKey × 10,000', () => {
      let n = 0;
      for (const m of lists.flat()) n += conversationKey(m).length;
      return n;
    }),
  );
  rows.push(
    await measure('comparison with the state (flat, platform check, key, marker)', () => {
      let changed = 0;
      for (const message of lists.flat()) {
        if (!PLATFORMS.includes(message.platform)) continue;
        const conversation = state.conversations[conversationKey(message)];
        if (conversation === undefined || conversation.marker !== message.messageId) changed += 1;
      }
      if (changed !== 0) throw new Error(`${changed} changed`);
    }),
  );
  // What pollInbound does per chat, its own code: the key from a memo by channel and destination.
  const memos = new Map();
  rows.push(
    await measure('comparison with the state, keys memoised (as pollInbound does)', () => {
      let changed = 0;
      for (const list of lists) changed += changedLatest(list, state, memos).length;
      if (changed !== 0) throw new Error(`${changed} changed`);
    }),
  );
  rows.push(await measure('checkpoint save: JSON.stringify(state)', () => JSON.stringify(state)));
  rows.push(
    await measure('checkpoint save: JSON.stringify + writeFileAtomic (fsync)', () =>
      writeFileAtomic(join(dir, 'state.json'), JSON.stringify(state)),
    ),
  );
  rows.push(
    await measure('idle poll: pollInbound, memory save', () =>
      pollInbound(state, chat, { save: async () => undefined, sweepIntervalMs: 0 }),
    ),
  );
  const checkpoint = createFileCheckpoint(join(dir, 'inbound.json'));
  await checkpoint.open();
  await checkpoint.save(state);
  let saves = 0;
  rows.push(
    await measure('idle poll: pollInbound, file checkpoint save', () =>
      pollInbound(state, chat, {
        save: (s) => {
          saves += 1;
          return checkpoint.save(s);
        },
        sweepIntervalMs: 0,
      }),
    ),
  );
  console.log(`file checkpoint saves per idle poll: ${(saves / (ROUNDS + 2)).toFixed(1)}`);

  // Polls that change 1 % and 10 % of the conversations: each round sets that many markers aside.
  const keys = Object.keys(state.conversations);
  let round = 0;
  const change = (share) => {
    round += 1;
    const count = Math.round(keys.length * share);
    for (let i = 0; i < count; i++) {
      const key = keys[(round * 7_919 + i * 97) % keys.length];
      state.conversations[key].marker = `changed ${round}`;
    }
  };
  const wholeSave = (s) => writeFileAtomic(join(dir, 'whole.json'), JSON.stringify(s));
  for (const share of [0.01, 0.1]) {
    const label = `${share * 100} %`;
    rows.push(
      await measure(`poll changing ${label}: pollInbound, memory save`, () => {
        change(share);
        return pollInbound(state, chat, { save: async () => undefined, sweepIntervalMs: 0 });
      }),
    );
    rows.push(
      await measure(`poll changing ${label}: pollInbound, whole state saved (before)`, () => {
        change(share);
        return pollInbound(state, chat, { save: wholeSave, sweepIntervalMs: 0 });
      }),
    );
    saves = 0;
    rows.push(
      await measure(`poll changing ${label}: pollInbound, file checkpoint (journal)`, () => {
        change(share);
        return pollInbound(state, chat, {
          save: (s) => {
            saves += 1;
            return checkpoint.save(s);
          },
          sweepIntervalMs: 0,
        });
      }),
    );
    console.log(
      `file checkpoint saves per poll changing ${label}: ${(saves / (ROUNDS + 2)).toFixed(1)}`,
    );
    rows.push(
      await measure(
        `poll changing ${label}: pollInbound, file checkpoint told of the changes`,
        () => {
          change(share);
          return pollInbound(state, chat, {
            save: (s, changes) => checkpoint.save(s, changes),
            sweepIntervalMs: 0,
          });
        },
      ),
    );
    // The two saves of such a poll alone: the intents, then the answers (markers moved).
    // `save` is given the conversations changed since the previous save, as a poll gives them
    // (the markers put back at the end of a round are saved with the next round's intents).
    let putBack = new Set();
    const saveSteps = async (save) => {
      round += 1;
      const count = Math.round(keys.length * share);
      for (let i = 0; i < count; i++) {
        const key = keys[(round * 7_919 + i * 97) % keys.length];
        state.fetching[key] = { marker: state.conversations[key].marker };
      }
      await save(state, { conversations: putBack });
      const changed = new Set(Object.keys(state.fetching));
      for (const key of changed) {
        state.conversations[key].marker = `changed ${round}`;
        state.conversations[key].lastTaken = `changed ${round}`;
      }
      await save(state, { conversations: changed });
      // Back as getchats gives them, for the polls that follow.
      for (const [key, intent] of Object.entries(state.fetching)) {
        state.conversations[key].marker = intent.marker;
        delete state.fetching[key];
      }
      putBack = changed;
    };
    rows.push(
      await measure(`saves of a poll changing ${label}: whole state × 2 (before)`, () =>
        saveSteps(wholeSave),
      ),
    );
    rows.push(
      await measure(`saves of a poll changing ${label}: file checkpoint × 2 (journal)`, () =>
        saveSteps((s) => checkpoint.save(s)),
      ),
    );
    rows.push(
      await measure(
        `saves of a poll changing ${label}: file checkpoint × 2, told of the changes`,
        () => saveSteps((s, changes) => checkpoint.save(s, changes)),
      ),
    );
  }
  // What the soak's CPU rule reads, in process: the fixed part of a line through the 1 % and 10 %
  // polls (memory save), against half the 1 % poll, beside the listing any client pays per poll.
  const medianOf = (step) => rows.find((row) => row.step === step).median;
  const onePercent = medianOf('poll changing 1 %: pollInbound, memory save');
  const tenPercent = medianOf('poll changing 10 %: pollInbound, memory save');
  const perChange = (tenPercent - onePercent) / (keys.length * 0.09);
  const fixed = onePercent - perChange * keys.length * 0.01;
  console.log(
    `memory save, line through the 1 % and 10 % polls: ${fixed.toFixed(1)} ms + ${(perChange * 1000).toFixed(0)} µs per changed conversation; half the 1 % poll ${(onePercent / 2).toFixed(1)} ms; the listing alone ${listing.median.toFixed(1)} ms`,
  );
  await checkpoint.close();
  await chat.close();
  if (latest.length === 0) throw new Error('no chats');
} finally {
  await sandbox.stop();
  await rm(dir, { recursive: true, force: true });
}
