/**
 * `node bench/profiling/poll-all-threads.mjs [--polls 16] [--rounds 2] [--kinds listing,0,100,1000]
 * [--interval-ms 5000]`: the CPU a poll costs at the soak's scale (4 channels × 2,500
 * conversations), every thread counted, at the soak's pace: V8's collector threads and libuv's
 * pool (the file checkpoint's writes and `fsync`) as well as the main thread. Linux only: the
 * threads are read from `/proc/self/task`.
 *
 * The in-process steps (inbound-poll-steps.mjs) force a collection before each round and count
 * `process.cpuUsage()` of a step; a listener running for hours pays its collections too, partly
 * on other threads, and at a 5-second pace. Kinds, each run for `--polls` polls after a warm-up
 * of 3, in alternating rounds, one sandbox (in a process of its own, as in the soak):
 *
 * - `listing`: the listing alone, what any client of the API pays per poll (undici `request()` of
 *   the four `getchats` answers, their text, `JSON.parse`), since `getchats` takes no "changed
 *   since" parameter; `listing-text` the same without `JSON.parse`, `listing-bytes` without the
 *   text either (the bodies' chunks counted and dropped): where the listing's cost lies;
 * - a number N: `pollInbound` through a client (post transport) on a file checkpoint, with N
 *   conversations changed before each poll (their markers set aside, so each is read; the reads
 *   answer nothing), saves passed the poll's changes as `watchInbound` passes them;
 * - `N-whole`: the same, the checkpoint comparing the whole state on each save (the changes not
 *   passed on).
 *
 * Prints per kind the CPU per poll over all threads, the main thread's and the other threads'
 * share (median of the rounds). Read the rows of one run side by side: the machine's load moves
 * them all.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { createChatClient, createFileCheckpoint } from '@afilnet-chat/core';
import { createInboundState, pollInbound } from '@afilnet-chat/core/inbound';
import {
  readListing,
  seedSoakSandbox,
  soakClientConfig,
  startSoakSandbox,
} from '../soak/soak-sandbox.mjs';

const { values } = parseArgs({
  options: {
    polls: { type: 'string', default: '16' },
    rounds: { type: 'string', default: '2' },
    kinds: { type: 'string', default: 'listing,0,100,100-whole,1000' },
    'interval-ms': { type: 'string', default: '5000' },
  },
});
const POLLS = Number(values.polls);
const ROUNDS = Number(values.rounds);
const INTERVAL_MS = Number(values['interval-ms']);
const KINDS = values.kinds.split(',');
const WARMUP_POLLS = 3;
/** Clock ticks per second of `/proc/<pid>/task/<tid>/stat` (USER_HZ, 100 on Linux). */
const TICK_MS = 10;

/** CPU ticks (user + system) of each thread of this process, by thread id. */
function threadTicks() {
  const ticks = new Map();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      // Fields after the command name, which is in parentheses and may hold spaces.
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks.set(tid, Number(fields[11]) + Number(fields[12]));
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return ticks;
}

/** Runs `poll` every INTERVAL_MS (from start to start); returns CPU ms per poll, all threads and main. */
async function measure(poll) {
  for (let i = 0; i < WARMUP_POLLS; i++) await paced(poll);
  const before = threadTicks();
  const cpuBefore = process.cpuUsage();
  for (let i = 0; i < POLLS; i++) await paced(poll);
  const cpu = process.cpuUsage(cpuBefore);
  const after = threadTicks();
  let main = 0;
  let others = 0;
  for (const [tid, t] of after) {
    const spent = t - (before.get(tid) ?? 0);
    if (tid === String(process.pid)) main += spent;
    else others += spent;
  }
  return {
    all: (cpu.user + cpu.system) / 1000 / POLLS,
    main: (main * TICK_MS) / POLLS,
    others: (others * TICK_MS) / POLLS,
  };
}

async function paced(poll) {
  const startedAt = Date.now();
  await poll();
  await sleep(Math.max(0, startedAt + INTERVAL_MS - Date.now()));
}

const sandbox = startSoakSandbox();
const dir = await mkdtemp(join(tmpdir(), 'afilnet-poll-threads-'));
try {
  const { url } = await seedSoakSandbox(sandbox);
  const chat = createChatClient(soakClientConfig(url));
  let sink;
  const listings = {
    listing: async () => {
      sink = (await readListing(url)).map((body) => JSON.parse(body));
    },
    'listing-text': async () => {
      sink = await readListing(url);
    },
    'listing-bytes': async () => {
      sink = await readListing(url, async (body) => {
        let bytes = 0;
        for await (const chunk of body) bytes += chunk.length;
        return bytes;
      });
    },
  };

  // One checkpoint and state per kind, each read whole once before its rounds.
  const polls = new Map();
  for (const kind of KINDS) {
    if (kind in listings) {
      polls.set(kind, listings[kind]);
      continue;
    }
    const [count, whole] = kind.split('-');
    const changing = Number(count);
    if (!Number.isInteger(changing) || (whole !== undefined && whole !== 'whole'))
      throw new Error(`unknown kind ${kind}: listing, listing-text, listing-bytes, N or N-whole`);
    const checkpoint = createFileCheckpoint(join(dir, `${kind}.json`));
    const state = (await checkpoint.open()) ?? createInboundState();
    const save = (s, changes) => checkpoint.save(s, whole === undefined ? changes : undefined);
    await pollInbound(state, chat, { save, sweepIntervalMs: 0 });
    const keys = Object.keys(state.conversations);
    let round = 0;
    polls.set(kind, async () => {
      round += 1;
      for (let i = 0; i < changing; i++) {
        const key = keys[(round * 7_919 + i * 97) % keys.length];
        state.conversations[key].marker = `changed ${round}`;
      }
      await pollInbound(state, chat, { save, sweepIntervalMs: 0 });
    });
  }

  const results = new Map(KINDS.map((k) => [k, []]));
  for (let r = 0; r < ROUNDS; r++) {
    for (const kind of r % 2 === 0 ? KINDS : [...KINDS].reverse())
      results.get(kind).push(await measure(polls.get(kind)));
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(
    `CPU ms per poll, ${POLLS} polls ${INTERVAL_MS} ms apart per round, median of ${ROUNDS} rounds (all threads = main + others)`,
  );
  for (const [kind, rows] of results) {
    const label = kind in listings ? `the listing alone (${kind})` : `pollInbound, ${kind} changed`;
    console.log(
      `${label.padEnd(36)} all ${median(rows.map((x) => x.all))
        .toFixed(1)
        .padStart(6)}   main ${median(rows.map((x) => x.main))
        .toFixed(1)
        .padStart(6)}   others ${median(rows.map((x) => x.others))
        .toFixed(1)
        .padStart(6)}`,
    );
  }
  if (sink === undefined && KINDS.some((k) => k in listings)) console.log('(nothing read)');
  await chat.close();
} finally {
  await sandbox.stop();
  await rm(dir, { recursive: true, force: true });
}
