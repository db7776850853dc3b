import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { AfilnetValidationError } from '../errors.js';
import { createFileCheckpoint } from './file-checkpoint.js';
import { createInboundState, parseInboundState } from './inbound-state.js';

const dir = mkdtempSync(join(tmpdir(), 'afilnet-checkpoint-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const freshPath = () => join(dir, `checkpoint-${++n}.json`);

const message = (id: number) => ({
  platformId: '100',
  platform: 'whatsapp',
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
    for (const content of ['not json at all', '{"hello":"world"}', '[]', '', JSON.stringify({ ...createInboundState(), pending: 'x' })]) {
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
    writeFileSync(`${path}.lock`, JSON.stringify({ lock: 'afilnet-chat/inbound-checkpoint', pid: dead, host: hostname(), token: 'old' }));
    const checkpoint = createFileCheckpoint(path);
    await checkpoint.open();
    await checkpoint.close();

    const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30_000)'], { stdio: 'ignore' });
    try {
      const held = freshPath();
      writeFileSync(`${held}.lock`, JSON.stringify({ lock: 'afilnet-chat/inbound-checkpoint', pid: sleeper.pid, host: hostname(), token: 'live' }));
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
    // The child saves ever larger states as fast as it can until it is killed.
    const script = `
      const { createFileCheckpoint } = await import(${JSON.stringify(root)});
      const { createInboundState } = await import(${JSON.stringify(entry)});
      const checkpoint = createFileCheckpoint(${JSON.stringify(path)});
      const state = (await checkpoint.open()) ?? createInboundState();
      process.stdout.write('ready\\n');
      for (let i = state.pending.length; ; i++) {
        state.pending.push({ platformId: '100', platform: 'whatsapp', destination: 'd' + i, messageId: String(i),
          message: 'x'.repeat(200 + (i % 50) * 40), sent: false, status: 'unread', datetime: '2024-05-01 10:00:00' });
        await checkpoint.save(state);
      }`;
    for (let kill = 0; kill < 6; kill++) {
      const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
      await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
      await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 150));
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
      const parsed = parseInboundState(JSON.parse(readFileSync(path, 'utf8')));
      expect(parsed.ok).toBe(true);
      // The killed writer's lock does not block the next one (the next iteration opens it).
    }
    const last = createFileCheckpoint(path);
    const state = await last.open();
    expect(state?.pending.length).toBeGreaterThan(0);
    expect(state?.pending.map((m) => Number(m.messageId))).toEqual(state?.pending.map((_, i) => i));
    await last.close();
  }, 60_000);
});
