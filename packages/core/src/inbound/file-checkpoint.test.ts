import { spawn, spawnSync } from 'node:child_process';
import { pbkdf2 } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { AfilnetValidationError } from '../errors/errors.js';
import { createFileCheckpoint, parseStateFile, parseStateJournal } from './file-checkpoint.js';
import { acknowledgeInbound, createInboundState } from './inbound-state.js';
import { applyRecord } from './state-journal.js';

const dir = mkdtempSync(join(tmpdir(), 'afilnet-checkpoint-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const freshPath = () => join(dir, `checkpoint-${++n}.json`);

const message = (id: number) => ({
  platformId: '100',
  platform: 'whatsapp' as const,
  destination: `3460000${id}`,
  messageId: String(id),
  message: `message ${id} `.repeat(20),
  sent: false,
  status: 'unread',
  datetime: '2024-05-01 10:00:00',
});

async function refusal(promise: Promise<unknown>): Promise<AfilnetValidationError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AfilnetValidationError);
  return error as AfilnetValidationError;
}

describe('createFileCheckpoint', () => {
  it('saves and reads back a state, with no credential in it', async () => {
    const path = freshPath();
    const checkpoint = createFileCheckpoint(path);
    expect(await checkpoint.open()).toBeUndefined();
    const state = createInboundState();
    state.pending.push(message(1));
    await checkpoint.save(state);
    await checkpoint.close();
    const again = createFileCheckpoint(path);
    expect(await again.open()).toEqual(state);
    await again.close();
    expect(readFileSync(path, 'utf8')).not.toMatch(/password|secret|token/i);
    expect(existsSync(`${path}.lock`)).toBe(false);
  });

  it('refuses a file that is not a checkpoint, naming it, and leaves it untouched', async () => {
    for (const content of [
      'not json at all',
      '{"hello":"world"}',
      '[]',
      '',
      JSON.stringify({ ...createInboundState(), pending: 'x' }),
      // A pending message is of a known platform: one a watch could not answer is no checkpoint.
      JSON.stringify({ ...createInboundState(), pending: [{ ...message(1), platform: 'fax' }] }),
      JSON.stringify({ ...createInboundState(), firstAttemptAt: { '1': 'yesterday' } }),
    ]) {
      const path = freshPath();
      writeFileSync(path, content);
      const error = await refusal(createFileCheckpoint(path).open());
      expect(error.code).toBe('INVALID_CONFIG');
      expect(error.message).toContain(path);
      expect(readFileSync(path, 'utf8')).toBe(content);
      // The refusal released the lock it took.
      expect(existsSync(`${path}.lock`)).toBe(false);
    }
  });

  it('refuses a second watch on a file in use, then accepts it once released', async () => {
    const path = freshPath();
    const first = createFileCheckpoint(path);
    await first.open();
    const error = await refusal(createFileCheckpoint(path).open());
    expect(error.code).toBe('INVALID_CONFIG');
    expect(error.message).toContain(path);
    await first.close();
    const second = createFileCheckpoint(path);
    await second.open();
    await second.close();
  });

  it('takes over a lock left by a process that is gone, and respects one whose process runs', async () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.exit(0)']).pid as number;
    const path = freshPath();
    writeFileSync(
      `${path}.lock`,
      JSON.stringify({
        lock: 'afilnet-chat/inbound-checkpoint',
        pid: dead,
        host: hostname(),
        token: 'old',
      }),
    );
    const checkpoint = createFileCheckpoint(path);
    await checkpoint.open();
    await checkpoint.close();

    const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30_000)'], {
      stdio: 'ignore',
    });
    try {
      const held = freshPath();
      writeFileSync(
        `${held}.lock`,
        JSON.stringify({
          lock: 'afilnet-chat/inbound-checkpoint',
          pid: sleeper.pid,
          host: hostname(),
          token: 'live',
        }),
      );
      const error = await refusal(createFileCheckpoint(held).open());
      expect(error.message).toContain(`process ${sleeper.pid}`);
    } finally {
      sleeper.kill('SIGKILL');
    }
  });

  it('never leaves a torn file: a writer killed at random instants leaves a whole checkpoint', async () => {
    const path = freshPath();
    const root = fileURLToPath(new URL('../../dist/index.js', import.meta.url));
    const entry = fileURLToPath(new URL('../../dist/inbound/index.js', import.meta.url));
    // The child saves ever larger states as fast as it can until it is killed. It says it is
    // ready once its first save is done, so that there is a checkpoint to find whenever the kill
    // falls (a first save's flushes can take longer than the shortest wait below).
    const script = `
      const { createFileCheckpoint } = await import(${JSON.stringify(root)});
      const { createInboundState } = await import(${JSON.stringify(entry)});
      const checkpoint = createFileCheckpoint(${JSON.stringify(path)});
      const state = (await checkpoint.open()) ?? createInboundState();
      let ready = false;
      for (let i = state.pending.length; ; i++) {
        state.pending.push({ platformId: '100', platform: 'whatsapp', destination: 'd' + i, messageId: String(i),
          message: 'x'.repeat(200 + (i % 50) * 40), sent: false, status: 'unread', datetime: '2024-05-01 10:00:00' });
        await checkpoint.save(state);
        if (!ready) {
          ready = true;
          process.stdout.write('ready\\n');
        }
      }`;
    for (let kill = 0; kill < 6; kill++) {
      const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
      await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 150));
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
      const parsed = parseStateFile(JSON.parse(readFileSync(path, 'utf8')));
      if (!parsed.ok) throw new Error(`torn state file: ${parsed.reason}`);
      // The journal is whole too, but for a last line cut short. It is of the state file's
      // generation, or of the one before when the kill fell between writing the state whole and
      // emptying the journal; then its records are already in the state file.
      const journal = parseStateJournal(readFileSync(`${path}.journal`, 'utf8'));
      if (journal === undefined || journal === 'empty') throw new Error('torn journal header');
      expect([parsed.generation, parsed.generation - 1]).toContain(journal.generation);
      if (journal.generation === parsed.generation) {
        for (const record of journal.records) applyRecord(parsed.state, record);
      }
      const replayed = parsed.state.pending.length;
      expect(replayed).toBeGreaterThan(0);
      // What the next writer reads back is exactly that: no message lost, none twice.
      const reader = createFileCheckpoint(path);
      const reopened = await reader.open();
      expect(reopened?.pending.map((m) => Number(m.messageId))).toEqual(
        Array.from({ length: replayed }, (_, i) => i),
      );
      // The killed writer's lock did not block this reader; its own goes with close().
      await reader.close();
    }
    const last = createFileCheckpoint(path);
    const state = await last.open();
    expect(state?.pending.length).toBeGreaterThan(0);
    expect(state?.pending.map((m) => Number(m.messageId))).toEqual(state?.pending.map((_, i) => i));
    await last.close();
  }, 60_000);

  it('ignores a journal one generation behind the state: a crash fell between writing the state whole and emptying the journal', async () => {
    const path = freshPath();
    const checkpoint = createFileCheckpoint(path);
    await checkpoint.open();
    const state = createInboundState();
    state.pending.push(message(1));
    await checkpoint.save(state);
    state.pending.push(message(2));
    await checkpoint.save(state);
    await checkpoint.close();
    const file = JSON.parse(readFileSync(path, 'utf8'));
    const journal = readFileSync(`${path}.journal`, 'utf8');
    expect(parseStateJournal(journal)).toMatchObject({ generation: file.generation });
    // The state written whole under the next generation, with message 2 folded in; the journal
    // that still records message 2 left as it was.
    writeFileSync(
      path,
      JSON.stringify({ ...file, pending: state.pending, generation: file.generation + 1 }),
    );

    const again = createFileCheckpoint(path);
    const reopened = await again.open();
    expect(reopened?.pending.map((m) => m.messageId)).toEqual(['1', '2']);
    await again.close();
    // Written whole again, under a generation later than both, with a journal of its own.
    const after = JSON.parse(readFileSync(path, 'utf8'));
    expect(after.generation).toBe(file.generation + 2);
    expect(parseStateJournal(readFileSync(`${path}.journal`, 'utf8'))).toMatchObject({
      generation: after.generation,
      records: [],
    });
  });

  it('appends each acknowledgement and each save to the journal and leaves the state file alone', async () => {
    const path = freshPath();
    const checkpoint = createFileCheckpoint(path);
    await checkpoint.open();
    const state = createInboundState();
    state.pending.push(message(1), message(2), message(3));
    await checkpoint.save(state);
    const before = statSync(path);
    const saved = readFileSync(path, 'utf8');
    expect(JSON.parse(saved)).toMatchObject({ format: 'afilnet-chat/inbound', version: 2 });
    const header = readFileSync(`${path}.journal`, 'utf8');
    expect(header).toBe(`afilnet-chat/inbound-journal 1 ${JSON.parse(saved).generation}\n`);
    for (const id of ['1', '2']) {
      acknowledgeInbound(state, [id]);
      await checkpoint.acknowledge?.([id]);
    }
    // The state file is the same file with the same content: nothing but the journal was written.
    expect(statSync(path).ino).toBe(before.ino);
    expect(readFileSync(path, 'utf8')).toBe(saved);
    expect(readFileSync(`${path}.journal`, 'utf8')).toBe(
      `${header}{"acknowledged":["1"]}\n{"acknowledged":["2"]}\n`,
    );
    // A save appends what changed, and nothing when nothing did.
    state.pending.push(message(4));
    state.sweptAt = 1_714_557_600_000;
    await checkpoint.save(state);
    await checkpoint.save(state);
    const lines = readFileSync(`${path}.journal`, 'utf8').split('\n');
    expect(lines).toHaveLength(5);
    expect(JSON.parse(lines[3] as string)).toEqual({
      taken: [message(4)],
      sweptAt: 1_714_557_600_000,
    });
    expect(statSync(path).ino).toBe(before.ino);
    await checkpoint.close();

    // Reopened: the journal is replayed over the state file, which stays as it was.
    const again = createFileCheckpoint(path);
    const reopened = (await again.open()) as ReturnType<typeof createInboundState>;
    expect(reopened).toEqual(state);
    expect(readFileSync(path, 'utf8')).toBe(saved);
    acknowledgeInbound(reopened, ['3']);
    await again.acknowledge?.(['3']);
    await again.close();
    const third = createFileCheckpoint(path);
    expect((await third.open())?.pending.map((m) => m.messageId)).toEqual(['4']);
    await third.close();
  });

  it('has an acknowledgement in the journal before acknowledge() returns its promise', async () => {
    const path = freshPath();
    const checkpoint = createFileCheckpoint(path);
    await checkpoint.open();
    const state = createInboundState();
    state.pending.push(message(1), message(2));
    await checkpoint.save(state);
    acknowledgeInbound(state, ['1']);
    // Every thread of libuv's pool busy for a while: an asynchronous write would wait for one.
    const poolSize = Number(process.env.UV_THREADPOOL_SIZE ?? 4);
    const busy = Array.from(
      { length: poolSize },
      () =>
        new Promise((resolve, reject) =>
          pbkdf2('x', 'salt', 400_000, 32, 'sha256', (e) => (e ? reject(e) : resolve(undefined))),
        ),
    );
    // Not awaited yet: the line is appended synchronously, not on the pool.
    const acknowledged = checkpoint.acknowledge?.(['1']);
    expect(readFileSync(`${path}.journal`, 'utf8')).toMatch(/\{"acknowledged":\["1"\]\}\n$/);
    await Promise.all([acknowledged, ...busy]);
    await checkpoint.close();
    const again = createFileCheckpoint(path);
    expect((await again.open())?.pending.map((m) => m.messageId)).toEqual(['2']);
    await again.close();
  });

  it('writes an acknowledgement at once and flushes it within a second, or with the next save or close', async () => {
    // Every flush of any file goes through FileHandle's sync: count them.
    const probe = await open(join(dir, 'probe'), 'w');
    const sync = vi.spyOn(Object.getPrototypeOf(probe) as FileHandle, 'sync');
    await probe.close();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const path = freshPath();
      const checkpoint = createFileCheckpoint(path);
      await checkpoint.open();
      const state = createInboundState();
      state.pending.push(message(1), message(2), message(3), message(4), message(5));
      await checkpoint.save(state);
      const journal = () => readFileSync(`${path}.journal`, 'utf8');
      const acknowledge = async (id: string) => {
        acknowledgeInbound(state, [id]);
        await checkpoint.acknowledge?.([id]);
      };

      sync.mockClear();
      await acknowledge('1');
      await acknowledge('2');
      // Written, so a killed process keeps them; not flushed yet.
      expect(journal()).toMatch(/\{"acknowledged":\["1"\]\}\n\{"acknowledged":\["2"\]\}\n$/);
      expect(sync).not.toHaveBeenCalled();
      await vi.advanceTimersByTimeAsync(999);
      expect(sync).not.toHaveBeenCalled();
      await vi.advanceTimersByTimeAsync(1);
      // Both in one flush, a second after the first.
      expect(sync).toHaveBeenCalledTimes(1);

      // A save's flush covers the acknowledgement appended before it: no flush of its own.
      sync.mockClear();
      await acknowledge('3');
      state.sweptAt = 1_714_557_600_000;
      await checkpoint.save(state);
      expect(sync).toHaveBeenCalledTimes(1);
      await vi.advanceTimersByTimeAsync(5_000);
      expect(sync).toHaveBeenCalledTimes(1);

      // A flush that fails: whether they reached the disk is unknown, so the next save writes the
      // state whole (a new file), flushed.
      sync.mockClear();
      const inode = statSync(path).ino;
      await acknowledge('4');
      sync.mockRejectedValueOnce(
        Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' }),
      );
      await vi.advanceTimersByTimeAsync(1_000);
      expect(sync).toHaveBeenCalledTimes(1);
      await checkpoint.save(state);
      expect(statSync(path).ino).not.toBe(inode);
      expect(journal()).not.toContain('acknowledged');

      // `close()` flushes what is left.
      sync.mockClear();
      await acknowledge('5');
      expect(sync).not.toHaveBeenCalled();
      await checkpoint.close();
      expect(sync).toHaveBeenCalledTimes(1);
      await vi.advanceTimersByTimeAsync(5_000);
      expect(sync).toHaveBeenCalledTimes(1);

      const again = createFileCheckpoint(path);
      expect(await again.open()).toEqual(state);
      expect(state.pending).toEqual([]);
      await again.close();
    } finally {
      vi.useRealTimers();
      sync.mockRestore();
    }
  });

  it('writes the state whole once the journal outgrows it, and then starts a new journal', async () => {
    const path = freshPath();
    const checkpoint = createFileCheckpoint(path);
    await checkpoint.open();
    const state = createInboundState();
    await checkpoint.save(state);
    const first = JSON.parse(readFileSync(path, 'utf8')).generation as number;
    // Each save appends a line of about 400 bytes (one message taken in); the bound is 256 KiB.
    let compacted = -1;
    for (let i = 0; i < 2_000 && compacted < 0; i++) {
      state.pending.push(message(i));
      await checkpoint.save(state);
      if (JSON.parse(readFileSync(path, 'utf8')).generation !== first) compacted = i;
    }
    expect(compacted).toBeGreaterThan(500);
    expect(compacted).toBeLessThan(800);
    expect(readFileSync(`${path}.journal`, 'utf8')).toBe(
      `afilnet-chat/inbound-journal 1 ${first + 1}\n`,
    );
    expect(parseStateFile(JSON.parse(readFileSync(path, 'utf8')))).toMatchObject({
      ok: true,
      state,
    });
    await checkpoint.close();
    const again = createFileCheckpoint(path);
    expect(await again.open()).toEqual(state);
    await again.close();
  });

  it('compares later saves with the state an acknowledgement wrote whole, unsaved changes included', async () => {
    const path = freshPath();
    const checkpoint = createFileCheckpoint(path);
    await checkpoint.open();
    const state = createInboundState();
    state.pending.push(message(0));
    await checkpoint.save(state);
    // The journal filled to 5 bytes short of its bound (256 KiB): an acknowledgement's line
    // no longer fits, so the acknowledgement writes the state whole.
    const bound = 256 * 1024;
    const size = () => statSync(`${path}.journal`).size;
    let id = 1;
    while (bound - size() > 2_000) {
      state.pending.push(message(id++));
      await checkpoint.save(state);
    }
    const last = { ...message(id++), message: '' };
    const lineOf = (m: typeof last) => Buffer.byteLength(`${JSON.stringify({ taken: [m] })}\n`);
    last.message = 'x'.repeat(bound - size() - lineOf(last) - 5);
    state.pending.push(last);
    await checkpoint.save(state);
    expect(bound - size()).toBe(5);
    const generation = JSON.parse(readFileSync(path, 'utf8')).generation as number;

    // A message a poll under way has taken in, not saved yet, when an acknowledgement comes.
    state.pending.push(message(id++));
    acknowledgeInbound(state, ['0']);
    await checkpoint.acknowledge?.(['0']);
    expect(JSON.parse(readFileSync(path, 'utf8')).generation).toBe(generation + 1);
    await checkpoint.save(state);
    await checkpoint.close();

    const again = createFileCheckpoint(path);
    const reopened = await again.open();
    expect(reopened?.pending.map((m) => m.messageId)).toEqual(
      state.pending.map((m) => m.messageId),
    );
    await again.close();
  });

  it("keeps a pending message's first attempt time until the message is acknowledged, through the journal too", async () => {
    const path = freshPath();
    const checkpoint = createFileCheckpoint(path);
    await checkpoint.open();
    const state = createInboundState();
    state.pending.push(message(1), message(2));
    state.firstAttemptAt = { '1': 1_714_557_600_000, '2': 1_714_557_601_000 };
    await checkpoint.save(state);
    acknowledgeInbound(state, ['1']);
    await checkpoint.acknowledge?.(['1']);
    expect(state.firstAttemptAt).toEqual({ '2': 1_714_557_601_000 });
    await checkpoint.close();

    const again = createFileCheckpoint(path);
    const reopened = await again.open();
    expect(reopened?.firstAttemptAt).toEqual({ '2': 1_714_557_601_000 });
    acknowledgeInbound(reopened as ReturnType<typeof createInboundState>, ['2']);
    expect(reopened?.firstAttemptAt).toBeUndefined();
    await again.close();
  });

  it('ignores a last journal line cut short by a crash, and appends after it safely', async () => {
    const path = freshPath();
    const state = createInboundState();
    state.pending.push(message(1), message(2), message(3), message(23));
    writeFileSync(path, JSON.stringify(state));
    // Killed while appending "2": its acknowledgement was never saved.
    writeFileSync(`${path}.acks`, 'afilnet-chat/inbound-acks 1\n"1"\n"2');
    const checkpoint = createFileCheckpoint(path);
    const opened = await checkpoint.open();
    expect(opened?.pending.map((m) => m.messageId)).toEqual(['2', '3', '23']);
    // An acknowledgement now must not be glued to the torn "2" (which would read "23").
    await checkpoint.acknowledge?.(['3']);
    await checkpoint.close();
    const again = createFileCheckpoint(path);
    expect((await again.open())?.pending.map((m) => m.messageId)).toEqual(['2', '23']);
    await again.close();
  });

  it('repeats nothing and loses nothing after a crash between writing the state and emptying the journal', async () => {
    const path = freshPath();
    // What such a crash leaves: the state saved without 1 and 2 (acknowledged), a new message 4
    // taken in, and the journal still naming 1 and 2.
    const state = createInboundState();
    state.pending.push(message(3), message(4));
    writeFileSync(path, JSON.stringify(state));
    writeFileSync(`${path}.acks`, 'afilnet-chat/inbound-acks 1\n"1"\n"2"\n');
    const checkpoint = createFileCheckpoint(path);
    expect((await checkpoint.open())?.pending.map((m) => m.messageId)).toEqual(['3', '4']);
    await checkpoint.close();
  });

  it('refuses a journal that is not one, leaving both files untouched', async () => {
    const path = freshPath();
    writeFileSync(path, JSON.stringify(createInboundState()));
    writeFileSync(`${path}.acks`, 'my notes\n');
    const error = await refusal(createFileCheckpoint(path).open());
    expect(error.code).toBe('INVALID_CONFIG');
    expect(error.message).toContain(`${path}.acks`);
    expect(readFileSync(`${path}.acks`, 'utf8')).toBe('my notes\n');
    expect(existsSync(`${path}.lock`)).toBe(false);
  });

  it('loses no saved acknowledgement and repeats at most the one in flight when killed at random instants', async () => {
    const path = freshPath();
    const root = fileURLToPath(new URL('../../dist/index.js', import.meta.url));
    const entry = fileURLToPath(new URL('../../dist/inbound/index.js', import.meta.url));
    // The child acknowledges the oldest pending message, reporting each once it is saved, and
    // every few acknowledgements takes in new messages and saves, as a watch does.
    const script = `
      const { createFileCheckpoint } = await import(${JSON.stringify(root)});
      const { acknowledgeInbound, createInboundState } = await import(${JSON.stringify(entry)});
      const checkpoint = createFileCheckpoint(${JSON.stringify(path)});
      const state = (await checkpoint.open()) ?? createInboundState();
      let next = state.pending.length === 0 ? 0 : Number(state.pending.at(-1).messageId) + 1;
      const take = () => state.pending.push({ platformId: '100', platform: 'whatsapp', destination: 'd', messageId: String(next++),
          message: 'x'.repeat(300), sent: false, status: 'unread', datetime: '2024-05-01 10:00:00' });
      for (let i = 0; i < 20; i++) take();
      await checkpoint.save(state);
      process.stdout.write('ready\\n');
      for (let i = 1; ; i++) {
        const id = state.pending[0].messageId;
        acknowledgeInbound(state, [id]);
        await checkpoint.acknowledge([id]);
        process.stdout.write('acked ' + id + '\\n');
        if (i % 7 === 0) {
          for (let j = 0; j < 7; j++) take();
          await checkpoint.save(state);
        }
      }`;
    let lastAcked = -1;
    for (let kill = 0; kill < 6; kill++) {
      const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
      await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 150));
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
      for (const match of out.matchAll(/acked (\d+)\n/g))
        lastAcked = Math.max(lastAcked, Number(match[1]));
      const checkpoint = createFileCheckpoint(path);
      const ids = ((await checkpoint.open())?.pending ?? []).map((m) => Number(m.messageId));
      await checkpoint.close();
      // Nothing reported acknowledged comes back; at most the acknowledgement in flight was saved
      // unreported; nothing taken in is missing.
      expect(ids.length).toBeGreaterThan(0);
      expect([lastAcked + 1, lastAcked + 2]).toContain(ids[0]);
      expect(ids).toEqual(ids.map((_, i) => (ids[0] as number) + i));
      lastAcked = (ids[0] as number) - 1;
    }
  }, 60_000);
});
