/**
 * The file checkpoint's journal of changes: what one save changed in an {@link InboundState},
 * as one record, and the replay of records over the state saved whole. docs/inbound.md ("The
 * checkpoint file") describes the format.
 *
 * Why: a save that writes the whole state costs what the account holds (over a megabyte of JSON
 * at 10,000 conversations), twice per poll that changes anything. A record costs what the save
 * changed. The checkpoint keeps a copy of the state as the file holds it (the snapshot with the
 * records replayed over it), compares the live state with that copy on each save, and appends
 * only the difference.
 */
import {
  acknowledgeInbound,
  isRecord,
  isString,
  type InboundChannelList,
  type InboundConversation,
  type InboundFetchIntent,
  type InboundMessage,
  type InboundState,
} from './inbound-state.js';

/**
 * What one save (or one acknowledgement) changed: one line of the journal. Applied in the order
 * of its fields (conversations, fetching, pending, then the rest), as {@link applyRecord} does.
 * `null` removes a value.
 */
export interface JournalRecord {
  /** Conversations added or changed (the whole conversation), or removed (`null`), by key. */
  conversations?: Record<string, InboundConversation | null>;
  /** Intents added or changed, or removed (`null`), by key. */
  fetching?: Record<string, InboundFetchIntent | null>;
  /** The whole pending list, when it changed other than by removals and appends. */
  pending?: InboundMessage[];
  /** Messages removed from the pending list (acknowledged), by `messageId`. */
  acknowledged?: string[];
  /** Messages appended to the pending list, in order (after the removals). */
  taken?: InboundMessage[];
  /** The channel list, when it changed. */
  channels?: InboundChannelList | null;
  /** `sweptAt`, when it changed. */
  sweptAt?: number | null;
  /** The whole `firstAttemptAt`, when it changed other than by the removals of `acknowledged`. */
  firstAttemptAt?: Record<string, number> | null;
}

/** Copies what a record names, so that no record or copy shares an object the caller changes. */
function copyConversation(c: InboundConversation): InboundConversation {
  const copy: InboundConversation = {
    platform: c.platform,
    platformId: c.platformId,
    destination: c.destination,
  };
  if (c.marker !== undefined) copy.marker = c.marker;
  if (c.lastTaken !== undefined) copy.lastTaken = c.lastTaken;
  if (c.recovered !== undefined) copy.recovered = [...c.recovered];
  return copy;
}

const sameList = (a: readonly string[] | undefined, b: readonly string[] | undefined) =>
  a === undefined || b === undefined
    ? a === b
    : a.length === b.length && a.every((id, i) => id === b[i]);

const sameConversation = (a: InboundConversation, b: InboundConversation) =>
  a.marker === b.marker &&
  a.lastTaken === b.lastTaken &&
  a.destination === b.destination &&
  a.platformId === b.platformId &&
  a.platform === b.platform &&
  sameList(a.recovered, b.recovered);

const copyIntent = (f: InboundFetchIntent): InboundFetchIntent =>
  f.marker === undefined ? {} : { marker: f.marker };

/** A JSON copy of a small value (the channel list, `firstAttemptAt`). */
const copyJson = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/**
 * Applies `record` to `state` in place. The file checkpoint replays its journal with it, and keeps
 * its copy of the saved state with it, so that both follow one definition.
 */
export function applyRecord(state: InboundState, record: JournalRecord): void {
  if (record.conversations !== undefined) {
    for (const [key, value] of Object.entries(record.conversations)) {
      if (value === null) delete state.conversations[key];
      else state.conversations[key] = value;
    }
  }
  if (record.fetching !== undefined) {
    for (const [key, value] of Object.entries(record.fetching)) {
      if (value === null) delete state.fetching[key];
      else state.fetching[key] = value;
    }
  }
  if (record.pending !== undefined) state.pending = [...record.pending];
  if (record.acknowledged !== undefined) acknowledgeInbound(state, record.acknowledged);
  if (record.taken !== undefined) state.pending.push(...record.taken);
  if (record.channels !== undefined) {
    if (record.channels === null) delete state.channels;
    else state.channels = record.channels;
  }
  if (record.sweptAt !== undefined) {
    if (record.sweptAt === null) delete state.sweptAt;
    else state.sweptAt = record.sweptAt;
  }
  if (record.firstAttemptAt !== undefined) {
    if (record.firstAttemptAt === null) delete state.firstAttemptAt;
    else state.firstAttemptAt = record.firstAttemptAt;
  }
}

/**
 * Whether `value` (a parsed journal line) has the shape of a record. The values it carries are
 * checked once replayed, by checking the whole state.
 */
export function isJournalRecord(value: unknown): value is JournalRecord {
  if (!isRecord(value)) return false;
  const maps = [value.conversations, value.fetching];
  if (!maps.every((m) => m === undefined || (isRecord(m) && Object.values(m).every(isNullOr))))
    return false;
  const lists = [value.pending, value.acknowledged, value.taken];
  if (!lists.every((l) => l === undefined || Array.isArray(l))) return false;
  if (value.acknowledged !== undefined && !(value.acknowledged as unknown[]).every(isString))
    return false;
  return (
    (value.channels === undefined || value.channels === null || isRecord(value.channels)) &&
    (value.sweptAt === undefined || value.sweptAt === null || typeof value.sweptAt === 'number') &&
    (value.firstAttemptAt === undefined ||
      value.firstAttemptAt === null ||
      isRecord(value.firstAttemptAt))
  );
}
const isNullOr = (v: unknown) => v === null || isRecord(v);

/**
 * The pending list's change from `saved` to `live`, as removals (by id) and appends, or the whole
 * list when it changed otherwise (an insertion, a reordering, an id twice). A pending message is
 * compared by `messageId` alone: a message taken in is never changed, only removed.
 */
function pendingChange(
  saved: readonly InboundMessage[],
  live: readonly InboundMessage[],
): Pick<JournalRecord, 'pending' | 'acknowledged' | 'taken'> {
  if (saved.length === live.length && saved.every((m, i) => m.messageId === live[i]?.messageId))
    return {};
  const liveIds = new Set(live.map((m) => m.messageId));
  const savedIds = new Set(saved.map((m) => m.messageId));
  const acknowledged = [...savedIds].filter((id) => !liveIds.has(id));
  const kept = saved.filter((m) => liveIds.has(m.messageId));
  const inOrder =
    liveIds.size === live.length &&
    savedIds.size === saved.length &&
    kept.length <= live.length &&
    kept.every((m, i) => m.messageId === live[i]?.messageId) &&
    live.slice(kept.length).every((m) => !savedIds.has(m.messageId));
  if (!inOrder) return { pending: [...live] };
  const change: Pick<JournalRecord, 'acknowledged' | 'taken'> = {};
  if (acknowledged.length > 0) change.acknowledged = acknowledged;
  if (live.length > kept.length) change.taken = live.slice(kept.length);
  return change;
}

/**
 * The state as the file holds it (its snapshot with every record replayed), kept in memory so
 * that a save can tell what changed. It owns its objects: nothing in it is shared with the live
 * state but pending messages, which are never changed.
 */
export interface SavedStateCopy {
  /**
   * The record that turns the copy into `live`, applied to the copy; `undefined` when nothing
   * changed. Reads `live` synchronously. Without `changed`, it compares every conversation (two
   * map reads and a few string comparisons each); with it, only the conversations it names,
   * which must include every one that differs from the copy (`InboundStateChanges`): a save
   * then costs what changed, not what the account holds.
   */
  record(live: InboundState, changed?: ReadonlySet<string>): JournalRecord | undefined;
  /** Applies and returns the record of an acknowledgement the caller has already made in its state. */
  acknowledge(messageIds: readonly string[]): JournalRecord;
}

/** A copy of `state` (taken now) that {@link SavedStateCopy.record} compares later states with. */
export function copySavedState(state: InboundState): SavedStateCopy {
  const copy: InboundState = {
    ...state,
    conversations: {},
    fetching: {},
    pending: [...state.pending],
  };
  let count = 0;
  for (const key in state.conversations) {
    copy.conversations[key] = copyConversation(state.conversations[key] as InboundConversation);
    count += 1;
  }
  for (const key in state.fetching)
    copy.fetching[key] = copyIntent(state.fetching[key] as InboundFetchIntent);
  if (state.channels !== undefined) copy.channels = copyJson(state.channels);
  if (state.firstAttemptAt !== undefined) copy.firstAttemptAt = { ...state.firstAttemptAt };

  return {
    record(live, changed) {
      const record: JournalRecord = {};
      // Compared and brought up to date in one pass: the copy's conversations change as they are
      // found, which spares a second pass over the changes.
      const conversations: Record<string, InboundConversation | null> = {};
      let any = false;
      const compare = (key: string, now: InboundConversation, before?: InboundConversation) => {
        if (before === undefined || !sameConversation(before, now)) {
          const copied = copyConversation(now);
          conversations[key] = copied;
          copy.conversations[key] = copied;
          any = true;
        }
      };
      const remove = (key: string) => {
        conversations[key] = null;
        delete copy.conversations[key];
        any = true;
      };
      if (changed !== undefined) {
        for (const key of changed) {
          const now = Object.hasOwn(live.conversations, key) ? live.conversations[key] : undefined;
          const before = Object.hasOwn(copy.conversations, key)
            ? copy.conversations[key]
            : undefined;
          if (now !== undefined) {
            if (before === undefined) count += 1;
            compare(key, now, before);
          } else if (before !== undefined) {
            remove(key);
            count -= 1;
          }
        }
      } else {
        let common = 0;
        let fresh = 0;
        for (const key in live.conversations) {
          const now = live.conversations[key] as InboundConversation;
          const before = copy.conversations[key];
          if (before === undefined) fresh += 1;
          else common += 1;
          compare(key, now, before);
        }
        if (common !== count) {
          for (const key in copy.conversations) {
            if (!Object.hasOwn(live.conversations, key)) remove(key);
          }
        }
        count = common + fresh;
      }
      if (any) record.conversations = conversations;

      const fetching: Record<string, InboundFetchIntent | null> = {};
      any = false;
      for (const key in live.fetching) {
        const now = live.fetching[key] as InboundFetchIntent;
        const before = copy.fetching[key];
        if (before === undefined || before.marker !== now.marker) {
          fetching[key] = copyIntent(now);
          any = true;
        }
      }
      for (const key in copy.fetching) {
        if (!Object.hasOwn(live.fetching, key)) {
          fetching[key] = null;
          any = true;
        }
      }
      const rest: JournalRecord = pendingChange(copy.pending, live.pending);
      if (any) rest.fetching = fetching;
      // Applied before the rest is compared: removing acknowledged messages also removes their
      // `firstAttemptAt`, which the comparison below must see.
      applyRecord(copy, rest);
      Object.assign(record, rest);

      const last: JournalRecord = {};
      if (JSON.stringify(copy.channels) !== JSON.stringify(live.channels))
        last.channels = live.channels === undefined ? null : copyJson(live.channels);
      if (copy.sweptAt !== live.sweptAt) last.sweptAt = live.sweptAt ?? null;
      if (JSON.stringify(copy.firstAttemptAt) !== JSON.stringify(live.firstAttemptAt))
        last.firstAttemptAt = live.firstAttemptAt === undefined ? null : { ...live.firstAttemptAt };
      applyRecord(copy, last);
      Object.assign(record, last);
      return Object.keys(record).length > 0 ? record : undefined;
    },
    acknowledge(messageIds) {
      const record: JournalRecord = { acknowledged: [...messageIds] };
      applyRecord(copy, record);
      return record;
    },
  };
}
