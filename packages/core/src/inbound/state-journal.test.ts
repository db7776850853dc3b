import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { createFileCheckpoint, parseStateJournal } from './file-checkpoint.js';
import {
  acknowledgeInbound,
  createInboundState,
  type InboundMessage,
  type InboundState,
} from './inbound-state.js';
import { applyRecord, copySavedState, type JournalRecord } from './state-journal.js';

const dir = mkdtempSync(join(tmpdir(), 'afilnet-journal-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const freshPath = () => join(dir, `checkpoint-${++n}.json`);

/** The state as JSON sees it: what a file holds and what `open()` gives back. */
const plain = (state: InboundState | undefined) =>
  state === undefined ? undefined : JSON.parse(JSON.stringify(state));

const keys = ['whatsapp/100/a', 'whatsapp/100/b', 'telegram/200/c'];
let nextId = 0;
const message = (key: string): InboundMessage => {
  const [platform, platformId, destination] = key.split('/') as [string, string, string];
  return {
    platform: platform as InboundMessage['platform'],
    platformId,
    destination,
    messageId: String(++nextId),
    message: `text ${nextId}`,
    sent: false,
    status: 'unread',
    datetime: '2024-05-01 10:00:00',
  };
};

/** One change a poll, a watch or the relay makes to the live state. */
type Operation =
  | { kind: 'conversation'; key: string; marker: string | undefined; recovered: boolean }
  | { kind: 'drop'; key: string }
  | { kind: 'intent'; key: string; marker: string | undefined }
  | { kind: 'intentDone'; key: string }
  | { kind: 'take'; key: string; count: number }
  | { kind: 'acknowledge'; index: number; alone: boolean }
  | { kind: 'reorder' }
  | { kind: 'firstAttempt'; index: number; at: number }
  | { kind: 'channels'; list: boolean }
  | { kind: 'sweptAt'; at: number | undefined }
  | { kind: 'save' }
  | { kind: 'compact' }
  | { kind: 'reopen'; torn: boolean };

const key = fc.constantFrom(...keys);
// Weighted so that a sequence builds conversations and pending messages before it removes them.
const operation: fc.Arbitrary<Operation> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('conversation' as const),
      key,
      marker: fc.option(fc.constantFrom('1', '2'), { nil: undefined }),
      recovered: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('drop' as const), key }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('intent' as const),
      key,
      marker: fc.option(fc.constantFrom('4', '5'), { nil: undefined }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('intentDone' as const), key }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('take' as const),
      key,
      count: fc.integer({ min: 0, max: 3 }),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('acknowledge' as const),
      index: fc.nat(),
      alone: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reorder' as const) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('firstAttempt' as const),
      index: fc.nat(),
      at: fc.integer({ min: 1, max: 2_000_000_000_000 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('channels' as const), list: fc.boolean() }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('sweptAt' as const),
      at: fc.option(fc.nat(), { nil: undefined }),
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('save' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('compact' as const) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('reopen' as const), torn: fc.boolean() }) },
);
/** Long enough sequences to build a state and then take it apart. */
const operations = fc.array(operation, { minLength: 10, maxLength: 80 });

/**
 * Applies a change to `state`; returns the ids acknowledged when the change is an
 * acknowledgement the caller records alone (`checkpoint.acknowledge`), as a watch does.
 */
function change(state: InboundState, op: Operation): string[] | undefined {
  switch (op.kind) {
    case 'conversation': {
      const [platform, platformId, destination] = op.key.split('/') as [string, string, string];
      const conversation = (state.conversations[op.key] ??= {
        platform: platform as InboundMessage['platform'],
        platformId,
        destination,
      });
      if (op.marker === undefined) delete conversation.marker;
      else conversation.marker = op.marker;
      if (op.recovered) conversation.recovered = [...(conversation.recovered ?? []), op.key];
      else delete conversation.recovered;
      return undefined;
    }
    case 'drop':
      delete state.conversations[op.key];
      delete state.fetching[op.key];
      return undefined;
    case 'intent':
      if (state.conversations[op.key] !== undefined)
        state.fetching[op.key] = op.marker === undefined ? {} : { marker: op.marker };
      return undefined;
    case 'intentDone':
      delete state.fetching[op.key];
      return undefined;
    case 'take': {
      const conversation = state.conversations[op.key];
      if (conversation === undefined) return undefined;
      for (let i = 0; i < op.count; i++) {
        const m = message(op.key);
        state.pending.push(m);
        conversation.lastTaken = m.messageId;
      }
      return undefined;
    }
    case 'acknowledge': {
      const m = state.pending[op.index % Math.max(1, state.pending.length)];
      if (m === undefined) return undefined;
      acknowledgeInbound(state, [m.messageId]);
      return op.alone ? [m.messageId] : undefined;
    }
    case 'reorder':
      state.pending.reverse();
      return undefined;
    case 'firstAttempt': {
      const m = state.pending[op.index % Math.max(1, state.pending.length)];
      if (m !== undefined) (state.firstAttemptAt ??= {})[m.messageId] = op.at;
      return undefined;
    }
    case 'channels':
      if (op.list)
        state.channels = { list: [{ platform: 'whatsapp', platformId: '100' }], readAt: nextId };
      else delete state.channels;
      return undefined;
    case 'sweptAt':
      if (op.at === undefined) delete state.sweptAt;
      else state.sweptAt = op.at;
      return undefined;
    default:
      return undefined;
  }
}

describe('the journal of changes', () => {
  it('replays to the state saved last, whatever the sequence of changes, saves and compactions', () => {
    fc.assert(
      fc.property(operations, (ops) => {
        const live = createInboundState();
        // What the file holds: a snapshot and the records appended since.
        let snapshot = JSON.stringify(live);
        let records: string[] = [];
        let saved = copySavedState(live);
        const replay = () => {
          const state = JSON.parse(snapshot) as InboundState;
          for (const line of records) applyRecord(state, JSON.parse(line) as JournalRecord);
          return state;
        };
        for (const op of ops) {
          const alone = change(live, op);
          if (alone !== undefined) records.push(JSON.stringify(saved.acknowledge(alone)));
          if (op.kind === 'save' || op.kind === 'reopen') {
            const record = saved.record(live);
            if (record !== undefined) records.push(JSON.stringify(record));
            expect(replay()).toEqual(plain(live));
          } else if (op.kind === 'compact') {
            snapshot = JSON.stringify(live);
            records = [];
            saved = copySavedState(live);
          }
        }
        const record = saved.record(live);
        if (record !== undefined) records.push(JSON.stringify(record));
        expect(replay()).toEqual(plain(live));
        // Nothing changed since: a save records nothing.
        expect(saved.record(live)).toBeUndefined();
      }),
      { numRuns: 300 },
    );
  });

  it('records the same when told which conversations changed as when comparing them all', () => {
    fc.assert(
      fc.property(operations, (ops) => {
        const live = createInboundState();
        const whole = copySavedState(live);
        const told = copySavedState(live);
        // The conversations changed since the last save, as a poll notes them.
        let changed = new Set<string>();
        for (const op of ops) {
          if (op.kind === 'conversation' || op.kind === 'drop' || op.kind === 'take')
            changed.add(op.key);
          const alone = change(live, op);
          if (alone !== undefined)
            expect(told.acknowledge(alone)).toEqual(whole.acknowledge(alone));
          if (op.kind === 'save' || op.kind === 'reopen' || op.kind === 'compact') {
            expect(told.record(live, changed)).toEqual(whole.record(live));
            changed = new Set();
          }
        }
        expect(told.record(live, changed)).toEqual(whole.record(live));
        expect(told.record(live, new Set(keys))).toBeUndefined();
      }),
      { numRuns: 300 },
    );
  });

  it('compares only the conversations it is told of', () => {
    const live = createInboundState();
    for (const k of keys) {
      const [platform, platformId, destination] = k.split('/') as [string, string, string];
      live.conversations[k] = {
        platform: platform as InboundMessage['platform'],
        platformId,
        destination,
        marker: '1',
      };
    }
    const saved = copySavedState(live);
    (live.conversations['whatsapp/100/a'] as { marker?: string }).marker = '2';
    delete live.conversations['telegram/200/c'];
    expect(saved.record(live, new Set(['whatsapp/100/b']))).toBeUndefined();
    expect(saved.record(live, new Set(['whatsapp/100/a', 'telegram/200/c']))).toEqual({
      conversations: {
        'whatsapp/100/a': { ...live.conversations['whatsapp/100/a'] },
        'telegram/200/c': null,
      },
    });
    // Its count of conversations followed: a whole comparison finds nothing more.
    expect(saved.record(live)).toBeUndefined();
  });

  it('records only what changed: a marker moved costs one conversation, not all of them', () => {
    const live = createInboundState();
    for (let i = 0; i < 1_000; i++)
      live.conversations[`whatsapp/100/${i}`] = {
        platform: 'whatsapp',
        platformId: '100',
        destination: String(i),
        marker: String(i),
      };
    const saved = copySavedState(live);
    (live.conversations['whatsapp/100/7'] as { marker?: string }).marker = 'new';
    live.fetching['whatsapp/100/8'] = { marker: '9' };
    live.pending.push(message('whatsapp/100/a'));
    expect(saved.record(live)).toEqual({
      conversations: {
        'whatsapp/100/7': {
          platform: 'whatsapp',
          platformId: '100',
          destination: '7',
          marker: 'new',
        },
      },
      fetching: { 'whatsapp/100/8': { marker: '9' } },
      taken: [live.pending[0]],
    });
    delete live.conversations['whatsapp/100/3'];
    delete live.fetching['whatsapp/100/8'];
    live.pending = [];
    expect(saved.record(live)).toEqual({
      conversations: { 'whatsapp/100/3': null },
      fetching: { 'whatsapp/100/8': null },
      acknowledged: [String(nextId)],
    });
  });
  it('records a conversation removed, then added back as it was', () => {
    const live = createInboundState();
    const conversation = { platform: 'whatsapp' as const, platformId: '100', destination: 'a' };
    live.conversations['whatsapp/100/a'] = { ...conversation, marker: '1' };
    const snapshot = JSON.stringify(live);
    const saved = copySavedState(live);
    const records: JournalRecord[] = [];
    delete live.conversations['whatsapp/100/a'];
    records.push(saved.record(live) as JournalRecord);
    live.conversations['whatsapp/100/a'] = { ...conversation, marker: '1' };
    records.push(saved.record(live) as JournalRecord);
    const replayed = JSON.parse(snapshot) as InboundState;
    for (const record of records) applyRecord(replayed, record);
    expect(replayed).toEqual(plain(live));
  });
});

describe('the file checkpoint with its journal', () => {
  it('opens to the state saved last, across restarts, acknowledgements and appends cut short', async () => {
    await fc.assert(
      fc.asyncProperty(operations, async (ops) => {
        const path = freshPath();
        let checkpoint = createFileCheckpoint(path);
        await checkpoint.open();
        const live = createInboundState();
        await checkpoint.save(live);
        // The state the files must give back: the one saved (or acknowledged) last.
        let durable = plain(live);
        for (const op of ops) {
          const alone = change(live, op);
          if (alone !== undefined) {
            await checkpoint.acknowledge?.(alone);
            // Only the acknowledgement is durable; the rest of the change waits for a save.
            acknowledgeInbound(durable, alone);
          }
          if (op.kind === 'save' || op.kind === 'compact') {
            await checkpoint.save(live);
            durable = plain(live);
          } else if (op.kind === 'reopen') {
            await checkpoint.close();
            // A save killed while it appended: its line was never finished, nor its save resolved.
            if (op.torn) appendFileSync(`${path}.journal`, '{"pending":[{"messageId":"9');
            checkpoint = createFileCheckpoint(path);
            const opened = await checkpoint.open();
            expect(opened).toEqual(durable);
            // Continue from what was opened, as a restarted watch does.
            const state = opened as InboundState;
            for (const k of Object.keys(live) as (keyof InboundState)[])
              if (!(k in state)) delete (live as unknown as Record<string, unknown>)[k];
            Object.assign(live, state);
          }
        }
        await checkpoint.save(live);
        await checkpoint.close();
        const last = createFileCheckpoint(path);
        expect(await last.open()).toEqual(plain(live));
        await last.close();
      }),
      { numRuns: 150 },
    );
  }, 120_000);

  it('trusts the changes it is told of only for the state object it saved last', async () => {
    const path = freshPath();
    const checkpoint = createFileCheckpoint(path);
    await checkpoint.open();
    const first = createInboundState();
    await checkpoint.save(first);
    const conversation = { platform: 'whatsapp' as const, platformId: '100', destination: 'a' };
    first.conversations['whatsapp/100/a'] = { ...conversation, marker: '1' };
    await checkpoint.save(first, { conversations: new Set(['whatsapp/100/a']) });
    // Another object, told of nothing: compared whole all the same.
    const second = plain(first) as InboundState;
    second.conversations['whatsapp/100/b'] = { ...conversation, destination: 'b' };
    await checkpoint.save(second, { conversations: new Set() });
    // The same object again: only what it is told of is compared.
    (second.conversations['whatsapp/100/a'] as { marker?: string }).marker = '2';
    await checkpoint.save(second, { conversations: new Set(['whatsapp/100/a']) });
    await checkpoint.close();
    const again = createFileCheckpoint(path);
    expect(await again.open()).toEqual(plain(second));
    await again.close();
  });

  it('ignores a last line cut short and appends the next save on a line of its own', async () => {
    const path = freshPath();
    const checkpoint = createFileCheckpoint(path);
    await checkpoint.open();
    const state = createInboundState();
    state.pending.push(message('whatsapp/100/a'));
    await checkpoint.save(state);
    await checkpoint.close();
    const lost = message('whatsapp/100/a');
    const line = JSON.stringify({ taken: [lost] });
    appendFileSync(`${path}.journal`, line.slice(0, -5));

    const again = createFileCheckpoint(path);
    const opened = (await again.open()) as InboundState;
    expect(opened).toEqual(plain(state));
    opened.pending.push(message('whatsapp/100/a'));
    await again.save(opened);
    await again.close();
    const third = createFileCheckpoint(path);
    expect(await third.open()).toEqual(plain(opened));
    await third.close();
    // Written whole at the reopening, so the next save's line does not follow the cut one.
    expect(parseStateJournal(readFileSync(`${path}.journal`, 'utf8'))).toMatchObject({
      torn: false,
      records: [{ taken: [opened.pending[1]] }],
    });
  });

  it('refuses a journal with a damaged line before its last, or of a later generation, leaving it untouched', async () => {
    for (const journal of [
      'afilnet-chat/inbound-journal 1 1\n{"taken":[\n{"sweptAt":1}\n',
      'afilnet-chat/inbound-journal 1 1\n{"acknowledged":[1]}\n',
      'afilnet-chat/inbound-journal 1 7\n',
    ]) {
      const path = freshPath();
      const state = JSON.stringify({ ...createInboundState(), version: 2, generation: 1 });
      writeFileSync(path, state);
      writeFileSync(`${path}.journal`, journal);
      const error = await createFileCheckpoint(path)
        .open()
        .then(
          () => undefined,
          (e: unknown) => e as Error,
        );
      expect(error?.message).toContain(`${path}.journal`);
      expect(readFileSync(`${path}.journal`, 'utf8')).toBe(journal);
      expect(readFileSync(path, 'utf8')).toBe(state);
    }
  });

  it('ignores a journal of an earlier generation: a crash between writing the state and emptying the journal', async () => {
    const path = freshPath();
    const state = createInboundState();
    state.pending.push(message('whatsapp/100/a'));
    writeFileSync(path, JSON.stringify({ ...state, version: 2, generation: 4 }));
    // Of generation 3, so folded into the state file already: replaying it would take the
    // acknowledged message 1 in again.
    writeFileSync(
      `${path}.journal`,
      `afilnet-chat/inbound-journal 1 3\n${JSON.stringify({ taken: [{ ...state.pending[0], messageId: 'old' }] })}\n`,
    );
    const checkpoint = createFileCheckpoint(path);
    expect(await checkpoint.open()).toEqual(plain(state));
    await checkpoint.close();
    expect(readFileSync(`${path}.journal`, 'utf8')).toBe('afilnet-chat/inbound-journal 1 5\n');
  });

  it('reads a version 1 file and its acknowledgements, and writes it as version 2', async () => {
    const path = freshPath();
    const state = createInboundState();
    const [one, two] = [message('whatsapp/100/a'), message('whatsapp/100/a')];
    state.pending.push(one, two);
    state.conversations['whatsapp/100/a'] = {
      platform: 'whatsapp',
      platformId: '100',
      destination: 'a',
      marker: two.messageId,
      lastTaken: two.messageId,
    };
    writeFileSync(path, JSON.stringify(state));
    writeFileSync(`${path}.acks`, `afilnet-chat/inbound-acks 1\n"${one.messageId}"\n`);
    const checkpoint = createFileCheckpoint(path);
    const opened = await checkpoint.open();
    acknowledgeInbound(state, [one.messageId]);
    expect(opened).toEqual(plain(state));
    await checkpoint.close();
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({
      ...plain(state),
      version: 2,
      generation: 1,
    });
    expect(() => readFileSync(`${path}.acks`)).toThrow(/ENOENT/);
    const again = createFileCheckpoint(path);
    expect(await again.open()).toEqual(plain(state));
    await again.close();
  });
});

describe('parseStateJournal', () => {
  it('reads a header cut short as an empty journal, and refuses any other first line', () => {
    const header = 'afilnet-chat/inbound-journal 1 42';
    for (let i = 0; i <= header.length; i++)
      expect(parseStateJournal(header.slice(0, i))).toBe('empty');
    expect(parseStateJournal(`${header}\n`)).toEqual({ generation: 42, records: [], torn: false });
    expect(parseStateJournal(`${header}\n{"sweptAt":1}\n{"swe`)).toEqual({
      generation: 42,
      records: [{ sweptAt: 1 }],
      torn: true,
    });
    for (const text of [
      'afilnet-chat/inbound-acks 1\n',
      'afilnet-chat/inbound-journal 1 4x',
      'afilnet-chat/inbound-journal 1 \n',
      'afilnet-chat/inbound-journal 1 1234567890123456\n',
      'afilnet-chat/inbound-journal 2 1\n',
      '{}',
    ])
      expect(parseStateJournal(text)).toBeUndefined();
  });
});
