/**
 * `watchInbound` on a file checkpoint, in a process SIGKILLed at random instants while messages
 * arrive across many conversations (some in conversations that begin meanwhile), and while the
 * sandbox drops some `getunreadmessages` answers after marking their messages read: every
 * message is handled, one conversation's in order, and a message is handled twice only when it
 * was the last one handled before a kill (its acknowledgement not yet saved).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '@afilnet-chat/sandbox';
import { CHANNELS, DEMO } from './support/account.js';
import { waitFor } from './support/wait-for.js';

const CONVERSATIONS = 40;
const MESSAGES = 600;
/** Kills that land after the killed process handled something, at least. */
const KILLS = 6;

let sandbox: Sandbox;
const dir = mkdtempSync(join(tmpdir(), 'afilnet-inbound-crash-'));
const children: ChildProcess[] = [];

beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await sandbox?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Line {
  readonly start?: number;
  readonly id?: string;
  readonly key?: string;
  readonly sent?: boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('watchInbound killed at random instants', () => {
  it(`handles every message through at least ${KILLS} SIGKILLs; repeats only a message whose acknowledgement was not saved`, async () => {
    const record = join(dir, 'handled.jsonl');
    const settings = {
      baseUrl: sandbox.url,
      credentials: DEMO,
      record,
      checkpoint: join(dir, 'inbound.json'),
      intervalMs: 50,
      handleMs: 8,
    };
    const script = fileURLToPath(new URL('./support/inbound-watcher-child.mjs', import.meta.url));
    const start = () => {
      const child = spawn(process.execPath, [script], {
        stdio: ['ignore', 'inherit', 'inherit'],
        env: { ...process.env, INBOUND_WATCHER: JSON.stringify(settings) },
      });
      children.push(child);
      return child;
    };
    const kill = async (child: ChildProcess) => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      // Reaped before the next start: a lock's process must be gone, not a zombie.
      await exited;
    };
    // Some answers are lost after the server marked their messages read.
    sandbox.chaos([
      {
        method: 'getunreadmessages',
        probability: 0.05,
        times: 20,
        fault: { reset: 'after-commit' },
      },
    ]);

    const injected: string[] = [];
    const injecting = (async () => {
      for (let i = 0; i < MESSAGES; i++) {
        // Conversations open over time: the later ones begin while the watch runs.
        const conversation =
          i < CONVERSATIONS ? i : Math.floor(Math.random() * Math.min(CONVERSATIONS, 10 + i / 5));
        const channel = CHANNELS[conversation % CHANNELS.length] ?? CHANNELS[0];
        injected.push(
          sandbox.injectInbound({
            user: DEMO.user,
            ...channel,
            destination: `34699${String(conversation).padStart(4, '0')}`,
            message: `m${i}`,
          }).messageId,
        );
        await sleep(Math.random() * 40);
      }
    })();

    const starts = () =>
      (readFileSync(record, { encoding: 'utf8', flag: 'a+' }).match(/"start"/g) ?? []).length;
    const handledSinceStart = () => {
      const text = readFileSync(record, 'utf8');
      return !text.trimEnd().endsWith('}') ||
        !text.slice(text.lastIndexOf('{"start"')).includes('"id"')
        ? 0
        : 1;
    };
    let kills = 0;
    let landed = 0;
    let injectionDone = false;
    void injecting.then(() => (injectionDone = true));
    while (landed < KILLS && !(injectionDone && kills >= KILLS * 3)) {
      const child = start();
      // From the moment it runs (modules loaded), a random instant: opening, polling, handling.
      await waitFor(() => starts() === kills + 1, 20_000, 10);
      await sleep(Math.random() * 1_200);
      await kill(child);
      kills += 1;
      landed += handledSinceStart();
    }
    await injecting;
    const last = start();
    const handled = () =>
      readFileSync(record, 'utf8')
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as Line);
    await waitFor(
      () => {
        const ids = new Set(handled().map((l) => l.id));
        return injected.every((id) => ids.has(id));
      },
      60_000,
      100,
    );
    await kill(last);
    sandbox.chaos([]);

    const lines = handled();
    const runs: Line[][] = [];
    for (const line of lines) {
      if (line.start !== undefined) runs.push([]);
      else runs.at(-1)?.push(line);
    }
    expect(runs.length).toBe(kills + 1);
    const messages = lines.filter((l) => l.id !== undefined);
    expect(messages.every((l) => l.sent === false)).toBe(true);
    // Every message, and nothing that was not injected.
    expect(new Set(messages.map((l) => l.id))).toEqual(new Set(injected));
    // A repeat is only ever the last message a killed run handled.
    const lastOfRuns = new Set(runs.slice(0, -1).map((run) => run.at(-1)?.id));
    expect(
      runs.slice(0, -1).filter((run) => run.length > 0).length,
      'kills that landed after some messages were handled',
    ).toBeGreaterThanOrEqual(KILLS);
    const seen = new Set<string>();
    const repeats: string[] = [];
    for (const l of messages) {
      if (seen.has(l.id as string)) repeats.push(l.id as string);
      seen.add(l.id as string);
    }
    for (const id of repeats) expect(lastOfRuns.has(id), `message ${id} handled twice`).toBe(true);
    expect(repeats.length).toBeLessThanOrEqual(kills);
    // One conversation's messages in order (first handling of each).
    const order = new Map<string, number>();
    const firsts = new Set<string>();
    for (const l of messages) {
      if (firsts.has(l.id as string)) continue;
      firsts.add(l.id as string);
      const previous = order.get(l.key as string) ?? 0;
      expect(Number(l.id), `conversation ${l.key}`).toBeGreaterThan(previous);
      order.set(l.key as string, Number(l.id));
    }
    // The dropped answers were recovered with getmessages, which nothing else calls.
    const lost = sandbox
      .requests({ method: 'getunreadmessages' })
      .filter((r) => r.chaos !== undefined).length;
    if (lost > 0) expect(sandbox.requests({ method: 'getmessages' }).length).toBeGreaterThan(0);
    console.log(
      `inbound crash: ${MESSAGES} messages, ${kills} kills (handled per run: ${runs.map((r) => r.length).join(' ')}), ${repeats.length} repeats, ${lost} lost answers recovered`,
    );
  }, 120_000);
});
