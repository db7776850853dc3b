/**
 * A checkpoint in a file: the state saved whole (JSON, replaced atomically), a journal of what
 * each save changed since, and a lock file beside it. docs/inbound.md ("The checkpoint file")
 * describes the files and the upgrade from the first version's.
 */
import { randomUUID } from 'node:crypto';
import { writeSync } from 'node:fs';
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
import type { InboundCheckpoint, InboundStateChanges } from './inbound-checkpoint.js';
import {
  acknowledgeInbound,
  INBOUND_STATE_FORMAT,
  INBOUND_STATE_VERSION,
  isRecord,
  parseInboundState,
  type InboundState,
  type ParsedInboundState,
} from './inbound-state.js';
import {
  applyRecord,
  copySavedState,
  isJournalRecord,
  type JournalRecord,
  type SavedStateCopy,
} from './state-journal.js';
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

/**
 * The version of the file this code writes: 2, the state with the `generation` of its journal.
 * Version 1 (the state alone, acknowledgements in `path.acks`) is read and upgraded.
 */
const FILE_VERSION = 2;
/** The first line of a version 1 journal of acknowledgements (`path.acks`). */
const ACKS_HEADER = 'afilnet-chat/inbound-acks 1\n';
/** The first line of a journal of changes (`path.journal`), before its generation. */
const JOURNAL_PREFIX = 'afilnet-chat/inbound-journal 1 ';
const journalHeader = (generation: number) => `${JOURNAL_PREFIX}${generation}\n`;
/**
 * The journal is folded into the state file (which is then written whole, and the journal
 * emptied) once it would grow past the larger of this and the state file's size: a save costs
 * what it changed, the whole state is written at most once per as many bytes of changes, and a
 * restart replays at most that much.
 */
const MIN_COMPACTION_BYTES = 256 * 1024;

/**
 * How long an acknowledgement may stay written to the journal without being flushed to the disk
 * (`fsync`). Written, it survives the process being killed; flushed, a machine crash too. Flushed
 * one by one, an acknowledgement cost 199–214 µs of CPU and 313–320 µs of waiting on the bench's
 * machine, against 80–113 µs and 72–98 µs flushed together (and a flush waits milliseconds on
 * network block storage), so acknowledgements are flushed together, at most this long after the
 * first of them, or with the next save or `close()`, whichever comes first: the trade Redis makes
 * with `appendfsync everysec`, its default policy for the append-only file.
 */
const ACKNOWLEDGEMENT_FLUSH_DELAY_MS = 1_000;

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
 * The acknowledged ids a version 1 journal (`path.acks`) holds: every line after the header that
 * ends with a newline and is a JSON string. A last line without its newline was being appended
 * when the process died, so that acknowledgement was never saved: it is ignored, as is a line a
 * crash left unreadable (its message is yielded again, never lost).
 *
 * @returns the ids, or `undefined` when the text is not such a journal.
 */
function parseAcks(text: string): string[] | undefined {
  if (!text.startsWith(ACKS_HEADER)) return ACKS_HEADER.startsWith(text) ? [] : undefined;
  const lines = text.slice(ACKS_HEADER.length).split('\n');
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

/** A journal of changes as read: its generation, its records, and whether its end was cut short. */
interface ParsedJournal {
  readonly generation: number;
  readonly records: JournalRecord[];
  /** A last line without its newline: a save or acknowledgement killed while it was appended. */
  readonly torn: boolean;
}

/**
 * Reads a journal of changes: the header and its generation, then one {@link JournalRecord} per
 * line. A last line without its newline was never saved (its save had not resolved) and is
 * ignored. Every line before it was flushed before the next was begun, so one that is not a
 * record means the file was damaged: it is refused rather than replayed in part.
 *
 * @returns the journal, `'empty'` for a header cut short, or `undefined` when it is not a journal.
 */
export function parseStateJournal(text: string): ParsedJournal | 'empty' | undefined {
  const newline = text.indexOf('\n');
  const header = newline < 0 ? text : text.slice(0, newline);
  if (!header.startsWith(JOURNAL_PREFIX))
    return newline < 0 && JOURNAL_PREFIX.startsWith(text) ? 'empty' : undefined;
  const digits = header.slice(JOURNAL_PREFIX.length);
  if (newline < 0) return /^\d*$/.test(digits) ? 'empty' : undefined;
  if (!/^\d{1,15}$/.test(digits)) return undefined;
  const lines = text.slice(newline + 1).split('\n');
  const torn = lines.pop() !== '';
  const records: JournalRecord[] = [];
  for (const line of lines) {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      return undefined;
    }
    if (!isJournalRecord(value)) return undefined;
    records.push(value);
  }
  return { generation: Number(digits), records, torn };
}

/** What a state file holds: the state, its journal's generation (0 for version 1), its version. */
type ParsedStateFile =
  | { ok: true; state: InboundState; generation: number; version: 1 | 2 }
  | { ok: false; reason: string };

/** Checks a parsed state file of either version. */
export function parseStateFile(value: unknown): ParsedStateFile {
  const isObject = isRecord(value);
  const fields = isObject ? value : {};
  if (isObject && fields.format === INBOUND_STATE_FORMAT && fields.version === FILE_VERSION) {
    const { generation, ...state } = fields;
    if (typeof generation !== 'number' || !Number.isSafeInteger(generation) || generation < 0)
      return { ok: false, reason: 'its generation is malformed' };
    const parsed: ParsedInboundState = parseInboundState({
      ...state,
      version: INBOUND_STATE_VERSION,
    });
    return parsed.ok ? { ...parsed, generation, version: 2 } : parsed;
  }
  if (isObject && fields.format === INBOUND_STATE_FORMAT && fields.version !== 1) {
    return {
      ok: false,
      reason: `its version ${JSON.stringify(fields.version)} is not 1 or ${FILE_VERSION}, the ones this version of afilnet-chat reads`,
    };
  }
  const parsed = parseInboundState(value);
  return parsed.ok ? { ...parsed, generation: 0, version: 1 } : parsed;
}

/**
 * A durable checkpoint in the file at `path` (created on the first save).
 *
 * - The state is written whole to `path` (format version 2: the state with the `generation` of
 *   its journal) with {@link writeFileAtomic}: `path.tmp`, flushed, renamed over `path`. A
 *   process killed at any instant leaves the previous file or the new one, never a torn one.
 * - Between two such writes, each save appends to the journal `path.journal` one line holding
 *   what changed since the previous save (conversations, intents, pending messages added and
 *   removed…), and each acknowledgement a line naming the messages. A save's append is flushed
 *   (`fsync`) before it resolves; an acknowledgement's is written before it resolves (a killed
 *   process keeps it) and flushed within a second, or by the next save or `close()` if sooner,
 *   one flush for all written meanwhile: after a machine crash (power loss, kernel panic) the
 *   messages acknowledged in that last second may be handed out again, never lost. A save thus
 *   costs what it changed, not what the account holds, and an acknowledgement no disk flush.
 *   Once the journal would grow past the state file's size (256 KiB at least), the state is
 *   written whole under the next generation and the journal emptied to that generation's header.
 * - `open()` replays the journal over the state file when they are of the same generation (a
 *   journal of an older one was already folded in, by a write a crash interrupted before the
 *   journal was emptied), ignoring a last line cut short (an append a crash interrupted, whose
 *   save had not resolved). After a crash it writes the state whole, so that nothing is
 *   appended after a line cut short.
 * - A version 1 file (the state, and acknowledgements in `path.acks`) is read, its
 *   acknowledgements applied, and written as version 2 before `path.acks` is removed; an older
 *   version of this package refuses a version 2 file rather than misreading it.
 * - It holds message data and conversation names, never a credential.
 * - `open()` refuses a file that is not a checkpoint, or a journal that is not one, and leaves
 *   both untouched.
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
  const acksPath = `${file}.acks`;
  const journalPath = `${file}.journal`;
  let held: LockOwner | undefined;
  // The journal, open for appending while the checkpoint is held, and its size in bytes.
  let journal: FileHandle | undefined;
  let journalBytes = 0;
  // The generation of the state file and its journal; the size of the state file.
  let generation = 0;
  let stateBytes = 0;
  // The state as the files hold it, to tell what a save changed; `undefined` when the state must
  // next be written whole (nothing written yet, or a write failed and the journal may be torn).
  let saved: SavedStateCopy | undefined;
  // The live state: the one `open()` returned, or the one saved last.
  let live: InboundState | undefined;
  // Acknowledgements appended to the journal and not yet flushed: the timer that will flush them,
  // and the flush under way (awaited before the journal is closed).
  let flushTimer: ReturnType<typeof setTimeout> | undefined;
  let flushing: Promise<void> | undefined;

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

  /**
   * Writes `text` (the state of the next generation) as the state file, then empties the
   * journal to that generation's header and reopens it. A crash between the two leaves the new
   * state and a journal of the previous generation, which `open()` ignores.
   */
  async function compact(text: string): Promise<void> {
    const next = generation + 1;
    await writeFileAtomic(file, text);
    generation = next;
    stateBytes = Buffer.byteLength(text);
    const header = journalHeader(next);
    // The state just written holds every acknowledgement the old journal has.
    cancelFlush();
    await flushing;
    await journal?.close();
    journal = undefined;
    await writeFileAtomic(journalPath, header);
    journal = await openFile(journalPath, 'a', 0o600);
    journalBytes = header.length;
  }

  /** The state file's text for the next generation; read synchronously, whole. */
  const snapshot = (state: InboundState) =>
    JSON.stringify({ ...state, version: FILE_VERSION, generation: generation + 1 });

  /**
   * Writes `state` whole under the next generation, and compares later saves with a copy of it.
   * The copy is taken from what is written, not brought up to date by a record: an
   * acknowledgement that folds the journal in writes the live state, which may hold changes no
   * save has recorded yet (messages a poll under way has taken in).
   */
  async function writeWhole(state: InboundState): Promise<void> {
    const text = snapshot(state);
    const copy = copySavedState(state);
    saved = undefined;
    await compact(text);
    saved = copy;
  }

  /**
   * Appends one record, or writes the state whole when the journal would grow past its bound.
   * A save's record is flushed before this resolves (and with it every line before it); an
   * acknowledgement's only written, and flushed by {@link ACKNOWLEDGEMENT_FLUSH_DELAY_MS}.
   *
   * An acknowledgement's line is appended with a synchronous `write(2)`: a few dozen bytes into
   * the page cache, not flushed, which costs less than the promise and the thread-pool round
   * trip of an asynchronous write (see {@link appendNow}). Saves and flushes stay asynchronous.
   */
  async function write(
    state: InboundState,
    record: JournalRecord,
    flush: 'now' | 'soon' = 'now',
  ): Promise<void> {
    const line = `${JSON.stringify(record)}\n`;
    const bytes = Buffer.byteLength(line);
    try {
      if (
        journal === undefined ||
        journalBytes + bytes > Math.max(MIN_COMPACTION_BYTES, stateBytes)
      ) {
        await writeWhole(state);
      } else {
        if (flush === 'soon') appendNow(journal, line, bytes);
        else await journal.write(line);
        journalBytes += bytes;
        if (flush === 'now') {
          cancelFlush();
          await journal.sync();
        } else if (flushTimer === undefined) {
          flushTimer = setTimeout(flushAcknowledgements, ACKNOWLEDGEMENT_FLUSH_DELAY_MS);
          flushTimer.unref?.();
        }
      }
    } catch (error) {
      // What the files hold is unknown (a line may be half written): the next save writes whole.
      saved = undefined;
      throw error;
    }
  }

  /**
   * Appends `line` (`bytes` long) to the journal at once. The caller's writes never overlap (a
   * checkpoint's `save()` and `acknowledge()` are never called at the same time), so every
   * earlier line is already in the file, and this one lands after them. A short write (a full
   * disk) throws, as a failed asynchronous write does.
   */
  function appendNow(handle: FileHandle, line: string, bytes: number): void {
    const written = writeSync(handle.fd, line);
    if (written !== bytes) {
      throw Object.assign(new Error(`short write to the journal (${written} of ${bytes} bytes)`), {
        code: 'EIO',
      });
    }
  }

  /** Drops the timer: what it would flush is about to be flushed (or written whole) anyway. */
  function cancelFlush(): void {
    clearTimeout(flushTimer);
    flushTimer = undefined;
  }

  /** The timer's flush of the acknowledgements written since the journal was last flushed. */
  function flushAcknowledgements(): void {
    flushTimer = undefined;
    const handle = journal;
    if (handle === undefined) return;
    flushing = handle
      .sync()
      .catch(() => {
        // Whether they reached the disk is unknown: the next save writes the state whole.
        saved = undefined;
      })
      .finally(() => {
        flushing = undefined;
      });
  }

  async function load(owner: LockOwner): Promise<InboundState | undefined> {
    const fail = async (why: string): Promise<never> => {
      await release(owner);
      throw refuse(why);
    };
    const readText = async (at: string, name: string): Promise<string | undefined> => {
      try {
        return await readFile(at, 'utf8');
      } catch (error) {
        if (codeOf(error) === 'ENOENT') return undefined;
        return fail(`${name} cannot be read (${String(codeOf(error) ?? 'error')})`);
      }
    };
    const text = await readText(file, 'it');
    let parsed: Extract<ParsedStateFile, { ok: true }> | undefined;
    if (text !== undefined) {
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        return fail(
          'it is not JSON, so not an afilnet-chat inbound checkpoint; it was left untouched',
        );
      }
      const checked = parseStateFile(value);
      if (!checked.ok) return fail(`${checked.reason}; it was left untouched`);
      parsed = checked;
    }
    const state = parsed?.state;
    generation = parsed?.generation ?? 0;
    stateBytes = text === undefined ? 0 : Buffer.byteLength(text);

    const acksText = await readText(acksPath, `its journal ${JSON.stringify(`${path}.acks`)}`);
    const acknowledged = acksText === undefined ? [] : parseAcks(acksText);
    if (acknowledged === undefined) {
      return fail(
        `${JSON.stringify(`${path}.acks`)} is not its journal of acknowledgements; both were left untouched`,
      );
    }
    const journalText = await readText(
      journalPath,
      `its journal ${JSON.stringify(`${path}.journal`)}`,
    );
    const changes = journalText === undefined ? 'empty' : parseStateJournal(journalText);
    if (changes === undefined) {
      return fail(
        `${JSON.stringify(`${path}.journal`)} is not its journal, or is damaged; both were left untouched`,
      );
    }
    // Whether the files are as a save leaves them: a version 2 state and its journal, whole.
    let clean = parsed?.version === 2 && acksText === undefined;
    if (changes === 'empty') {
      clean = false;
    } else if (state === undefined || parsed?.version !== 2 || changes.generation !== generation) {
      if (parsed?.version === 2 && changes.generation > generation) {
        return fail(
          `its journal ${JSON.stringify(`${path}.journal`)} is of a later generation (${changes.generation}) than the state (${generation}); was one restored from a backup? Both were left untouched`,
        );
      }
      // Of an earlier state file, so already in this one; with no state file (or a version 1
      // one), the generation written next is later than the journal's.
      generation = Math.max(generation, changes.generation);
      clean = false;
    } else {
      for (const record of changes.records) applyRecord(state, record);
      const replayed = parseInboundState(state);
      if (!replayed.ok) {
        return fail(
          `${JSON.stringify(`${path}.journal`)} does not replay to a valid state (${replayed.reason}); both were left untouched`,
        );
      }
      journalBytes = Buffer.byteLength(journalText as string);
      clean &&= !changes.torn;
    }
    if (parsed?.version === 1 && state !== undefined) acknowledgeInbound(state, acknowledged);
    try {
      if (!clean && state !== undefined) {
        // After a crash or an upgrade: written whole, so that nothing is appended after a line
        // cut short, and the version 1 acknowledgements are in the state before their file goes.
        await compact(snapshot(state));
      } else if (state !== undefined) {
        journal = await openFile(journalPath, 'a', 0o600);
      }
      // Its acknowledgements are in the state file now (or there is no state to apply them to).
      if (acksText !== undefined) await unlink(acksPath);
    } catch (error) {
      await journal?.close().catch(() => undefined);
      journal = undefined;
      return fail(`it cannot be written (${String(codeOf(error) ?? 'error')})`);
    }
    return state;
  }

  async function save(state: InboundState, changes?: InboundStateChanges): Promise<void> {
    if (held === undefined) throw refuse('it is not open (save before open, or after close)');
    // The changes are relative to what this checkpoint was last given: only trusted for the
    // same state object (another one is compared whole).
    const since = state === live ? changes?.conversations : undefined;
    live = state;
    // Nothing to compare with: written whole, and compared with from now on.
    if (saved === undefined) return writeWhole(state);
    const record = saved.record(state, since);
    if (record !== undefined) await write(state, record);
  }

  return {
    async open() {
      if (held !== undefined) throw refuse('this checkpoint object is already open');
      const owner = await claim();
      heldHere.add(owner.token);
      const state = await load(owner);
      saved = state === undefined ? undefined : copySavedState(state);
      live = state;
      held = owner;
      return state;
    },
    save,
    async acknowledge(messageIds) {
      if (held === undefined)
        throw refuse('it is not open (acknowledge before open, or after close)');
      if (messageIds.length === 0) return;
      // No state written yet holds them as pending; after a failed write, the state is written whole.
      if (saved === undefined) {
        if (live !== undefined) await save(live);
        return;
      }
      await write(live as InboundState, saved.acknowledge(messageIds), 'soon');
    },
    async close() {
      const owner = held;
      held = undefined;
      saved = undefined;
      live = undefined;
      const handle = journal;
      journal = undefined;
      const unflushed = flushTimer !== undefined;
      cancelFlush();
      try {
        await flushing;
        try {
          if (unflushed) await handle?.sync();
        } finally {
          await handle?.close();
        }
      } finally {
        if (owner !== undefined) await release(owner);
      }
    },
  };
}
