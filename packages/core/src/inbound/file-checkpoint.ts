/**
 * A checkpoint in a file: JSON, replaced atomically, with a journal of acknowledgements and a
 * lock file beside it. docs/inbound.md ("The checkpoint file") describes the three files.
 */
import { randomUUID } from 'node:crypto';
import {
  link,
  open as openFile,
  readFile,
  rename,
  unlink,
  writeFile,
  type FileHandle,
} from 'node:fs/promises';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { AfilnetValidationError } from '../errors/errors.js';
import type { InboundCheckpoint } from './inbound-checkpoint.js';
import { acknowledgeInbound, parseInboundState, type InboundState } from './inbound-state.js';
import { writeFileAtomic } from './write-file-atomic.js';

/** What a lock file holds: who claimed the checkpoint. */
interface LockOwner {
  readonly lock: 'afilnet-chat/inbound-checkpoint';
  readonly pid: number;
  readonly host: string;
  readonly token: string;
}

/** Tokens of the locks this process holds, so that a second watch here sees the first as live. */
const heldHere = new Set<string>();

/** The first line of an acknowledgement journal: how it is recognised. */
const JOURNAL_HEADER = 'afilnet-chat/inbound-acks 1\n';

const codeOf = (error: unknown): unknown => (error as NodeJS.ErrnoException | undefined)?.code;

async function readOwner(path: string): Promise<LockOwner | undefined | 'missing'> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (codeOf(error) === 'ENOENT') return 'missing';
    throw error;
  }
  try {
    const value = JSON.parse(text) as Partial<LockOwner>;
    if (
      value.lock === 'afilnet-chat/inbound-checkpoint' &&
      typeof value.pid === 'number' &&
      typeof value.host === 'string' &&
      typeof value.token === 'string'
    ) {
      return value as LockOwner;
    }
  } catch {
    // Not a lock we wrote: the caller treats it as stale.
  }
  return undefined;
}

/**
 * Whether the process that wrote `owner` may still be running. A lock from another host cannot
 * be checked and counts as live; one from this process is live while this process holds it.
 */
function isLive(owner: LockOwner): boolean {
  if (owner.host !== hostname()) return true;
  if (owner.pid === process.pid) return heldHere.has(owner.token);
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (error) {
    return codeOf(error) === 'EPERM';
  }
}

/**
 * The acknowledged ids a journal holds: every line after the header that ends with a newline and
 * is a JSON string. A last line without its newline was being appended when the process died, so
 * that acknowledgement was never saved: it is ignored, as is a line a crash left unreadable (its
 * message is yielded again, never lost).
 *
 * @returns the ids, or `undefined` when the text is not a journal.
 */
function parseJournal(text: string): string[] | undefined {
  if (!text.startsWith(JOURNAL_HEADER)) return JOURNAL_HEADER.startsWith(text) ? [] : undefined;
  const lines = text.slice(JOURNAL_HEADER.length).split('\n');
  lines.pop(); // What follows the last newline: empty, or an append cut short.
  const ids: string[] = [];
  for (const line of lines) {
    try {
      const id: unknown = JSON.parse(line);
      if (typeof id === 'string') ids.push(id);
    } catch {
      // Cut short by a crash: that acknowledgement was not saved.
    }
  }
  return ids;
}

/**
 * A durable checkpoint in the file at `path` (created on the first save).
 *
 * - Each save replaces the file with {@link writeFileAtomic} (`path.tmp`, flushed, renamed over
 *   `path`): a process killed at any instant leaves the previous state or the new one, never a
 *   torn file.
 * - Each acknowledgement is appended to the journal `path.acks` (a header line, then one
 *   `messageId` per line as a JSON string), flushed (`fsync`) before it resolves: a few bytes
 *   instead of the whole state. A save writes the state (those messages no longer pending) and
 *   only then empties the journal; `open()` removes the journal's messages from the pending ones,
 *   ignoring ids no longer pending (a crash between the two steps leaves a harmless journal) and
 *   a last line cut short (a crash in an append), then saves and empties the journal at once.
 * - It holds message data and conversation names, never a credential.
 * - `open()` refuses a file that is not a checkpoint and leaves it untouched.
 * - `open()` claims `path.lock` (its process id, host and a random token, created atomically).
 *   A lock whose process is no longer running on this host (`process.kill(pid, 0)`) is taken
 *   over, so a watch killed by a signal or a crash does not block its restart. A lock written on
 *   another host cannot be checked and counts as held.
 *
 * @param path the checkpoint file; its directory must exist.
 * @returns a checkpoint for `watchInbound` (or any user of {@link InboundCheckpoint}).
 * @see docs/inbound.md
 */
export function createFileCheckpoint(path: string): InboundCheckpoint {
  const file = resolve(path);
  const lockPath = `${file}.lock`;
  const journalPath = `${file}.acks`;
  let held: LockOwner | undefined;
  // The journal, open for appending while the checkpoint is held; `logged` once it holds an id.
  let journal: FileHandle | undefined;
  let logged = false;

  const refuse = (why: string) =>
    new AfilnetValidationError(
      'INVALID_CONFIG',
      `The inbound checkpoint ${JSON.stringify(path)} cannot be used: ${why}`,
      {
        issues: [{ path: 'checkpoint', message: why }],
      },
    );

  async function claim(): Promise<LockOwner> {
    const owner: LockOwner = {
      lock: 'afilnet-chat/inbound-checkpoint',
      pid: process.pid,
      host: hostname(),
      token: randomUUID(),
    };
    const text = `${JSON.stringify(owner)}\n`;
    for (let attempt = 0; attempt < 5; attempt++) {
      // The lock appears complete or not at all: written aside, then linked into place.
      const draft = `${lockPath}.${owner.token}`;
      await writeFile(draft, text, { mode: 0o600 });
      try {
        await link(draft, lockPath);
        return owner;
      } catch (error) {
        if (codeOf(error) !== 'EEXIST') {
          // A file system without hard links: an exclusive create does the same, less atomically.
          try {
            await writeFile(lockPath, text, { flag: 'wx', mode: 0o600 });
            return owner;
          } catch (fallback) {
            if (codeOf(fallback) !== 'EEXIST') throw fallback;
          }
        }
      } finally {
        await unlink(draft).catch(() => undefined);
      }
      const current = await readOwner(lockPath);
      if (current === 'missing') continue;
      if (current !== undefined && isLive(current)) {
        throw refuse(
          `another watch (process ${current.pid} on ${current.host}) is using it; its lock is ${JSON.stringify(`${path}.lock`)}`,
        );
      }
      // Stale: moved aside first, so that a lock another process just took is never deleted.
      const aside = `${lockPath}.stale.${owner.token}`;
      try {
        await rename(lockPath, aside);
      } catch (error) {
        if (codeOf(error) === 'ENOENT') continue;
        throw error;
      }
      const moved = await readOwner(aside);
      const same =
        moved === current ||
        (typeof moved === 'object' &&
          typeof current === 'object' &&
          moved?.token === current?.token);
      if (!same) {
        await link(aside, lockPath).catch(() => undefined);
        await unlink(aside).catch(() => undefined);
        throw refuse(
          `another watch took its lock ${JSON.stringify(`${path}.lock`)} at the same time`,
        );
      }
      await unlink(aside).catch(() => undefined);
    }
    throw refuse(`its lock ${JSON.stringify(`${path}.lock`)} keeps changing`);
  }

  async function release(owner: LockOwner): Promise<void> {
    heldHere.delete(owner.token);
    const current = await readOwner(lockPath).catch(() => undefined);
    if (typeof current === 'object' && current.token === owner.token)
      await unlink(lockPath).catch(() => undefined);
  }

  return {
    async open() {
      if (held !== undefined) throw refuse('this checkpoint object is already open');
      const owner = await claim();
      heldHere.add(owner.token);
      let text: string | undefined;
      try {
        text = await readFile(file, 'utf8');
      } catch (error) {
        if (codeOf(error) !== 'ENOENT') {
          await release(owner);
          throw refuse(`it cannot be read (${String(codeOf(error) ?? 'error')})`);
        }
      }
      let state: InboundState | undefined;
      if (text !== undefined) {
        let value: unknown;
        try {
          value = JSON.parse(text);
        } catch {
          await release(owner);
          throw refuse(
            'it is not JSON, so not an afilnet-chat inbound checkpoint; it was left untouched',
          );
        }
        const parsed = parseInboundState(value);
        if (!parsed.ok) {
          await release(owner);
          throw refuse(`${parsed.reason}; it was left untouched`);
        }
        state = parsed.state;
      }
      let journalText: string | undefined;
      try {
        journalText = await readFile(journalPath, 'utf8');
      } catch (error) {
        if (codeOf(error) !== 'ENOENT') {
          await release(owner);
          throw refuse(
            `its journal ${JSON.stringify(`${path}.acks`)} cannot be read (${String(codeOf(error) ?? 'error')})`,
          );
        }
      }
      const acknowledged = journalText === undefined ? [] : parseJournal(journalText);
      if (acknowledged === undefined) {
        await release(owner);
        throw refuse(
          `${JSON.stringify(`${path}.acks`)} is not its journal of acknowledgements; both were left untouched`,
        );
      }
      try {
        if (journalText !== JOURNAL_HEADER) {
          // Folded in before anything is appended, so that no append lands after a torn line.
          if (state !== undefined && acknowledgeInbound(state, acknowledged) > 0)
            await writeFileAtomic(file, JSON.stringify(state));
          await writeFileAtomic(journalPath, JOURNAL_HEADER);
        }
        journal = await openFile(journalPath, 'a', 0o600);
      } catch (error) {
        await release(owner);
        throw refuse(`it cannot be written (${String(codeOf(error) ?? 'error')})`);
      }
      logged = false;
      held = owner;
      return state;
    },
    async save(state) {
      const text = JSON.stringify(state);
      if (held === undefined || journal === undefined)
        throw refuse('it is not open (save before open, or after close)');
      await writeFileAtomic(file, text);
      if (logged) {
        // Only now: a crash before this leaves ids the state no longer holds as pending.
        await journal.truncate(JOURNAL_HEADER.length);
        await journal.sync();
        logged = false;
      }
    },
    async acknowledge(messageIds) {
      if (held === undefined || journal === undefined)
        throw refuse('it is not open (acknowledge before open, or after close)');
      if (messageIds.length === 0) return;
      // One write, one flush, whatever the number of ids; the handle appends (O_APPEND).
      await journal.write(messageIds.map((id) => `${JSON.stringify(id)}\n`).join(''));
      logged = true;
      await journal.sync();
    },
    async close() {
      const owner = held;
      held = undefined;
      const handle = journal;
      journal = undefined;
      try {
        await handle?.close();
      } finally {
        if (owner !== undefined) await release(owner);
      }
    },
  };
}
