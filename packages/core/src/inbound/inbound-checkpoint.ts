/**
 * Where a watch keeps its {@link InboundState} between polls and across restarts.
 */
import { AfilnetValidationError } from '../errors/errors.js';
import { parseInboundState, type InboundState } from './inbound-state.js';

/**
 * What changed in a state since it was last given to `save`, as the poll that changed it knows.
 * A store may compare only what it names rather than the whole state: at 10,000 conversations
 * that is the difference between a few entries and a walk over all of them, on every save.
 */
export interface InboundStateChanges {
  /**
   * The key of every conversation added, changed or removed since the previous call of `save`
   * with this state object (any other key names a conversation left as it was). Everything
   * outside `conversations` may have changed too and is not covered.
   */
  readonly conversations: ReadonlySet<string>;
}

/**
 * A store for one account's listening state, used by one watch at a time.
 *
 * `watchInbound` calls `open()` once, `save()` at every point of a poll that must survive a
 * crash, `acknowledge()` (or, when the store has none, `save()`) for each message handled, and
 * `close()` when it ends. A durable implementation (a file, Redis) makes a killed watch lose
 * nothing; an in-memory one forgets everything with its process.
 */
export interface InboundCheckpoint {
  /**
   * Claims the checkpoint for one watch and reads it.
   *
   * @returns the saved state, or `undefined` when nothing was saved yet.
   * @throws {AfilnetValidationError} `INVALID_CONFIG` when another live watch holds it, or what
   *   it holds is not a checkpoint (never overwritten then).
   */
  open(): Promise<InboundState | undefined>;
  /**
   * Replaces the saved state. Resolves once the state would survive a crash. `state` is the live
   * object, which the caller keeps changing: read it before the first `await`. Never called
   * twice at once.
   *
   * `changes`, when given (`watchInbound` gives it), names every conversation that may differ
   * from what the previous `save()` of this checkpoint was given, whether or not that save
   * succeeded: a store that compares states may compare only those, and must compare the
   * whole state after a save of its own that failed. A store may ignore it.
   */
  save(state: InboundState, changes?: InboundStateChanges): Promise<void>;
  /**
   * Optional: records that these messages were acknowledged, more cheaply than `save()` would.
   * The caller has already removed them from the live state's `pending`; resolves once that
   * survives the process being killed, after which `open()` must never return them as pending
   * again. Making it survive a machine crash may wait (the file checkpoint flushes within a
   * second): one lost to such a crash only hands those messages out again. The next
   * `save()` receives a state without them, so a store may keep them aside (the file checkpoint
   * appends them to a journal) until then. Never called at the same time as `save()`.
   */
  acknowledge?(messageIds: readonly string[]): Promise<void>;
  /** Releases the claim; the checkpoint may then be opened again. */
  close(): Promise<void>;
}

/**
 * A checkpoint in memory: nothing survives the process, but watches that follow one another in
 * it continue where the last one stopped. The default of `watchInbound` is a fresh one per watch.
 *
 * A save only keeps a reference to the state; the copy the next watch opens is made once, when
 * the checkpoint is closed (what the object holds then: `watchInbound` saves right before it
 * closes). Copying on every save would cost each acknowledgement and each conversation read a
 * serialisation of the whole state, which is over a megabyte of JSON at 10,000 conversations.
 *
 * @returns a checkpoint that refuses a second open until the first is closed, as a file does.
 */
export function createMemoryCheckpoint(): InboundCheckpoint {
  let saved: string | undefined;
  let live: InboundState | undefined;
  let held = false;
  return {
    open() {
      if (held) {
        return Promise.reject(
          new AfilnetValidationError(
            'INVALID_CONFIG',
            'This in-memory inbound checkpoint is in use by another watch',
          ),
        );
      }
      held = true;
      if (saved === undefined) return Promise.resolve(undefined);
      const parsed = parseInboundState(JSON.parse(saved));
      return Promise.resolve(parsed.ok ? parsed.state : undefined);
    },
    save(state) {
      live = state;
      return Promise.resolve();
    },
    close() {
      if (live !== undefined) saved = JSON.stringify(live);
      live = undefined;
      held = false;
      return Promise.resolve();
    },
  };
}
