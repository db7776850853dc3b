/**
 * One poll of an account's inbound messages: the step `watchInbound` repeats in one process, and
 * a fleet's poller runs as a job with its state in Redis. State in, API calls, state out plus the
 * messages taken in. docs/inbound.md describes the design and draws the states.
 *
 * Why the order of saves matters: `getunreadmessages` marks on the server what it returns, so its
 * answer exists nowhere else until it is saved. Each one is therefore announced first (an intent,
 * saved before the call) and its answer saved, with the intent removed, before any message of it
 * is handed out. An intent found when a poll starts means a call whose answer may be lost; the
 * conversation is then read with `getmessages` and every inbound message after the last one
 * known is taken in again.
 */
import type {
  CallOptions,
  ChannelRef,
  ChatChannel,
  ChatMessage,
  ConversationRef,
} from '../wire/chat-types.js';
import { PLATFORMS, type Platform } from '../wire/chat-types.js';
import { withListingFilter } from '../wire/listing-filter.js';
import { debugLog, type DebugLog } from '../diagnostics/debug-log.js';
import { AfilnetApiError } from '../errors/errors.js';
import { conversationKey } from './conversation-key.js';
import { KnownListing } from './known-listing.js';
import type { InboundStateChanges } from './inbound-checkpoint.js';
import type { InboundConversation, InboundMessage, InboundState } from './inbound-state.js';

/** The calls a poll makes; a `ChatClient` is one. */
export interface InboundApi {
  /** Lists the account's channels (when the watch finds them itself). */
  getChatChannels(options?: CallOptions): Promise<ChatChannel[]>;
  /** Lists a channel's conversations, each with its latest message. */
  getChats(input: ChannelRef, options?: CallOptions): Promise<ChatMessage[]>;
  /** Reads a conversation's history, to recover an interrupted fetch. */
  getMessages(input: ConversationRef, options?: CallOptions): Promise<ChatMessage[]>;
  /**
   * Must not be retried once a request may have reached the server (the client's own policy):
   * a retry would hide that the lost answer's messages were marked read.
   */
  getUnreadMessages(input: ConversationRef, options?: CallOptions): Promise<ChatMessage[]>;
}

/** Options of {@link pollInbound}. */
export interface InboundPollOptions {
  /**
   * Saves the state durably. Called with the live object, which the poll keeps changing: read it
   * (e.g. `JSON.stringify`) before the first `await`. Saves are never concurrent.
   *
   * `changes` names every conversation that `pollInbound` changed in this state object since it
   * last called a `save` with it, in this poll or an earlier one (changes made to the state by
   * anything else are not in it). Pass it on to an `InboundCheckpoint`'s `save` when every
   * save of this state goes to that checkpoint, as `watchInbound` does: the file checkpoint then
   * compares only those conversations.
   */
  save(state: InboundState, changes: InboundStateChanges): Promise<void>;
  /** The channels to watch; when left out, every channel of the account, re-read at most once a minute. */
  channels?: readonly ChannelRef[];
  /**
   * Every this many ms, every known conversation is read too, whatever `getchats` says: the
   * safety sweep, spread over the polls of the interval (default 600,000; 0: never).
   */
  sweepIntervalMs?: number;
  /** Aborts the poll's calls; the poll then rejects with the call's `ABORTED` error. */
  signal?: AbortSignal;
  /** How many `getunreadmessages` run at once (default 4). */
  concurrency?: number;
}

/** The calls one poll made, by method. */
export interface InboundPollCalls {
  /** Channel list reads: at most one a minute, none with `channels` given. */
  getchatchannels: number;
  /** One per watched channel. */
  getchats: number;
  /** One per conversation whose latest message changed, or whose safety-sweep turn came. */
  getunreadmessages: number;
  /** One per interrupted fetch recovered. */
  getmessages: number;
}

/** What one poll did. */
export interface InboundPollResult {
  /** The messages it took in, in the order they were appended to `state.pending`. */
  readonly messages: InboundMessage[];
  /**
   * True when this poll read conversations for the safety sweep: those whose turn came since the
   * last poll that took any (every known one, after a pause of a whole `sweepIntervalMs`).
   */
  readonly swept: boolean;
  /** The API calls it made. */
  readonly calls: InboundPollCalls;
}

/** The default pause between two safety sweeps: 10 minutes. */
export const DEFAULT_SWEEP_INTERVAL_MS = 600_000;
/** How long a channel list read from the account is used before it is read again. */
export const CHANNEL_LIST_MAX_AGE_MS = 60_000;
const DEFAULT_CONCURRENCY = 4;
/**
 * While reads go on, the answers taken so far are saved at most this often (and all of them once
 * the reads are done, before the poll resolves). A save is at least a flushed write (`fsync` in
 * the file checkpoint), and a store without a journal writes the whole state (over a megabyte of
 * JSON at 10,000 conversations); one per answer made a poll's CPU follow the length of its read
 * phase. What a crash leaves unsaved meanwhile is an intent, recovered by the next poll.
 */
const PROGRESS_SAVE_INTERVAL_MS = 1_000;

const KNOWN_PLATFORMS: ReadonlySet<string> = new Set(PLATFORMS);

/**
 * `conversationKey` of each conversation a state has met, by channel (`platform platformId`: a
 * known platform holds no space) then destination. A poll compares every conversation of the
 * account with the state; looking its key up here costs two map reads where building it costs
 * three `encodeURIComponent` and a new string, for each unchanged conversation of every poll.
 * The key is a function of the three fields alone, so an entry never goes stale; it lives as long
 * as the state object it was made for (a watch keeps one across its polls).
 */
const keyMemos = new WeakMap<InboundState, Map<string, Map<string, string>>>();

/**
 * Each channel's previous listing, by state object then channel (`platform platformId`): with it
 * the next `getchats` answer's items that the poll would pass over are left out unread
 * (known-listing.ts). It lives as long as the state object it was made for.
 */
const knownListings = new WeakMap<InboundState, Map<string, KnownListing>>();

/** The channels (`platform platformId`) whose listing is kept for `state` (for tests). */
export function knownListingChannels(state: InboundState): string[] {
  return [...(knownListings.get(state)?.keys() ?? [])];
}

/**
 * The keys of the conversations that polls changed in each state since they last called a save
 * with it: what the next save is told (a copy, then the set is emptied). Kept per state object,
 * not per poll, so that what a poll changed before it failed is told to the next poll's first
 * save.
 */
const unsavedConversations = new WeakMap<InboundState, Set<string>>();

/** A conversation whose latest message differs from its marker, as one `getchats` answer gave it. */
export interface ChangedLatest {
  readonly key: string;
  readonly message: ChatMessage;
}

/**
 * The chats of one channel's `getchats` answer whose conversation is unknown to `state` or whose
 * latest message is not its marker, keyed as `conversationKey` keys them (memoised in `memos` per
 * channel and destination). Chats of a platform this SDK does not know are left out. Reads
 * `state` and changes nothing but `memos` (and `keyOfEach`, given: the key of each chat of the
 * list in turn, undefined for one left out). Throws nothing. Exported for the poll's step
 * measurements (bench/profiling/inbound-poll-steps.mjs); not part of the package's API.
 */
export function changedLatest(
  list: readonly ChatMessage[],
  state: InboundState,
  memos: Map<string, Map<string, string>>,
  keyOfEach?: Array<string | undefined>,
): ChangedLatest[] {
  const changed: ChangedLatest[] = [];
  // A channel's answer names its own channel in every item: the memo is found once per run.
  let platform: string | undefined;
  let platformId: string | undefined;
  let keys: Map<string, string> | undefined;
  for (const message of list) {
    if (message.platform !== platform || message.platformId !== platformId) {
      platform = message.platform;
      platformId = message.platformId;
      keys = undefined;
      if (KNOWN_PLATFORMS.has(platform)) {
        const channel = `${platform} ${platformId}`;
        keys = memos.get(channel);
        if (keys === undefined) {
          keys = new Map();
          memos.set(channel, keys);
        }
      }
    }
    if (keys === undefined) {
      keyOfEach?.push(undefined);
      continue;
    }
    let key = keys.get(message.destination);
    if (key === undefined) {
      key = conversationKey(message);
      keys.set(message.destination, key);
    }
    keyOfEach?.push(key);
    if (state.conversations[key]?.marker !== message.messageId) changed.push({ key, message });
  }
  return changed;
}

const sameChannel = (a: ChannelRef, b: { platform: string; platformId: string }) =>
  a.platform === b.platform && a.platformId === b.platformId;
/** Whether `c` is of one of `channels`: a loop, as it runs once per conversation of the account. */
function ofChannels(channels: readonly ChannelRef[], c: InboundConversation): boolean {
  for (const channel of channels) if (sameChannel(channel, c)) return true;
  return false;
}
/**
 * The safety sweep's slices: at least twenty per `sweepIntervalMs` (30 s each by default), and
 * more for a larger account, so that a slice holds about `SWEEP_SLICE_TURNS` turns. A sweep of
 * 10,000 conversations is then 500 reads every 30 s rather than 10,000 at once every 10 minutes.
 * All at once, such a sweep swelled the process by tens of MB for its seconds (V8 grows its
 * young generation for a burst of allocation) and made that burst of calls on the account.
 */
const SWEEP_SLICES = 20;
const SWEEP_SLICE_TURNS = 500;

/** The part of the safety sweep one poll takes: see {@link sweepSpan}. */
interface SweepSpan {
  /** How far the sweep has gone once the poll has read the turns. */
  readonly to: number;
  /** True when the span is a whole interval: every conversation's turn is in it. */
  readonly whole: boolean;
  /** Whether the turn of the conversation of `key` falls in the span. */
  turns(key: string): boolean;
}

/**
 * The span (`from`, `to`] of the safety sweep that a poll at `now` takes, over an account that
 * listed `conversations`, or `undefined` when it takes none. Each conversation has one turn per
 * `interval`, at an offset within it that its key fixes (a 32-bit FNV-1a hash of the key, modulo
 * `interval`), so that the reads of one sweep are spread evenly over the interval. The span runs
 * by whole slices, to the last slice's end at or before `now`; or to `now` when a whole interval
 * has passed since `from` (a listener stopped that long reads every conversation). Counted from
 * `from`, the slices make the first sweep reads of a new state come a slice after it began, never
 * a few milliseconds after a boundary of the clock. The spans of successive polls follow one
 * another, so each conversation is read once per interval however the polls fall, and whatever
 * conversations come and go.
 */
function sweepSpan(
  from: number,
  now: number,
  interval: number,
  conversations: number,
): SweepSpan | undefined {
  if (now - from >= interval) return { to: now, whole: true, turns: () => true };
  const slices = Math.max(SWEEP_SLICES, Math.ceil(conversations / SWEEP_SLICE_TURNS));
  const slice = interval / slices;
  const to = from + Math.floor((now - from) / slice) * slice;
  if (to <= from) return undefined;
  const a = from % interval;
  const b = to % interval;
  return {
    to,
    whole: false,
    turns(key) {
      let h = 0x811c9dc5 | 0;
      for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
      const turn = (h >>> 0) % interval;
      return a < b ? turn > a && turn <= b : turn > a || turn <= b;
    },
  };
}
const isApiError = (error: unknown, code: string) =>
  error instanceof AfilnetApiError && error.code === code;
const refOf = (c: InboundConversation): ConversationRef => ({
  platform: c.platform,
  platformId: c.platformId,
  destination: c.destination,
});

/**
 * A conversation's messages oldest first. The sandbox answers oldest first; Afilnet does not say,
 * so a list whose first date is later than its last is reversed, then sorted by date (stable:
 * messages of the same second keep the server's order).
 */
export function oldestFirst(messages: readonly ChatMessage[]): ChatMessage[] {
  const list = [...messages];
  const first = list[0];
  const last = list[list.length - 1];
  if (first !== undefined && last !== undefined && first.datetime > last.datetime) list.reverse();
  return list.sort((a, b) => (a.datetime < b.datetime ? -1 : a.datetime > b.datetime ? 1 : 0));
}

/**
 * Serialises saves and merges the ones asked for while one runs: the next save writes the latest
 * state, told of the conversations `changed` holds (those changed since the previous save).
 */
function createSaver(state: InboundState, save: InboundPollOptions['save'], changed: Set<string>) {
  let running: Promise<void> | undefined;
  let wanted = false;
  let lastBegunAt = Number.NEGATIVE_INFINITY;
  const loop = async () => {
    try {
      while (wanted) {
        wanted = false;
        lastBegunAt = Date.now();
        const conversations = new Set(changed);
        changed.clear();
        await save(state, { conversations });
      }
    } finally {
      running = undefined;
    }
  };
  const request = (): Promise<void> => {
    wanted = true;
    running ??= loop();
    return running;
  };
  return {
    /** Resolves once a save begun after this call has finished. */
    request,
    /**
     * Records progress that a later `request()` will save in any case: saved now only when no
     * save has begun for {@link PROGRESS_SAVE_INTERVAL_MS}. Its failure is left to that request.
     */
    progress(): void {
      if (Date.now() - lastBegunAt >= PROGRESS_SAVE_INTERVAL_MS)
        void request().catch(() => undefined);
    },
  };
}

/**
 * The inbound messages of `history` that come after what `conversation` already took in: after
 * the later of its marker and its last taken message. When neither is in the list (a conversation
 * met for the first time, whose first fetch was interrupted), every inbound message is taken.
 */
function afterKnown(
  history: readonly ChatMessage[],
  conversation: InboundConversation,
): ChatMessage[] {
  const ordered = oldestFirst(history);
  const anchor = Math.max(
    conversation.marker === undefined
      ? -1
      : ordered.findIndex((m) => m.messageId === conversation.marker),
    conversation.lastTaken === undefined
      ? -1
      : ordered.findIndex((m) => m.messageId === conversation.lastTaken),
  );
  return ordered.slice(anchor + 1).filter((m) => !m.sent);
}

/**
 * A conversation's marker once a read of it has completed: the newest message the answer held
 * when it is later than the latest message `getchats` gave (`marker`, dated `markerAt`), else
 * `marker`. A message written between the poll's `getchats` and its read is taken by the read;
 * as the marker, it spares the next poll a read that would answer nothing. Safe because the
 * read returned every message unread when it was made, so every message up to the newest it
 * returned has been answered by a completed read (or was read before). Later only when the
 * answer holds `marker` before it, or its date is strictly later (a message of the same second
 * is not known to be later).
 */
function markerAfterRead(
  marker: string,
  markerAt: string | undefined,
  answer: readonly ChatMessage[],
): string {
  const newest = answer[answer.length - 1];
  if (newest === undefined || newest.messageId === marker) return marker;
  if (answer.some((m) => m.messageId === marker)) return newest.messageId;
  return markerAt !== undefined && newest.datetime > markerAt ? newest.messageId : marker;
}

/**
 * Runs one poll of the account on `state`, changing it in place and calling `options.save` before
 * each step a crash must not undo:
 *
 * 1. Recovery: for each intent left by an interrupted poll, `getmessages` of that conversation;
 *    its inbound messages after the last one known are appended to `state.pending`; saved.
 * 2. Channels: `options.channels`, or the account's list (`getchatchannels`) when the saved one is
 *    older than a minute. Channels on a platform this version does not know are left out.
 * 3. `getchats` on each channel. A conversation whose latest message is not its marker (or that
 *    is new) is to be read; and, for the safety sweep, each known conversation of the watched
 *    channels whose turn came (once per `sweepIntervalMs` each, at an offset its key fixes, so
 *    that a sweep is a few reads in every poll rather than every conversation in one).
 * 4. Intents for those conversations; saved.
 * 5. `getunreadmessages` for each (`concurrency` at once); each answer's inbound messages,
 *    oldest first, are appended to `state.pending`, the marker moved (to the newest message the
 *    answer held when it is later than the one `getchats` gave) and the intent removed, in
 *    one synchronous change; saved at most once a second while reads go on, and once when
 *    they are done, before the poll resolves (a crash in between leaves intents, which the
 *    next poll recovers).
 *
 * An unchanged conversation costs no call, and a poll that changed nothing saves nothing.
 * `CHAT_NOT_FOUND` drops the conversation; `CHANNEL_NOT_FOUND` drops a channel found by the poll
 * itself (with its conversations) and is thrown for a channel in `options.channels`. Any other error is thrown once the calls already
 * running have settled and their answers are saved; intents of calls never made are removed.
 * Messages that only a sweep found are reported on `NODE_DEBUG=afilnet-chat`.
 *
 * @throws {AfilnetTransportError} from a call (the next poll recovers what it may have consumed).
 * @throws {AfilnetApiError} from a call, as above.
 * @throws whatever `options.save` throws.
 * @see docs/inbound.md
 */
export async function pollInbound(
  state: InboundState,
  api: InboundApi,
  options: InboundPollOptions,
): Promise<InboundPollResult> {
  const sweepIntervalMs = options.sweepIntervalMs ?? DEFAULT_SWEEP_INTERVAL_MS;
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? DEFAULT_CONCURRENCY));
  const callOptions: CallOptions = options.signal === undefined ? {} : { signal: options.signal };
  const debug: DebugLog | undefined = debugLog();
  const unsavedKeys = unsavedConversations.get(state) ?? new Set<string>();
  unsavedConversations.set(state, unsavedKeys);
  /** Notes a conversation this poll changes (added, changed or removed), for the next save. */
  const touch = (key: string) => {
    unsavedKeys.add(key);
  };
  const saver = createSaver(state, options.save, unsavedKeys);
  const calls: InboundPollCalls = {
    getchatchannels: 0,
    getchats: 0,
    getunreadmessages: 0,
    getmessages: 0,
  };
  const taken: InboundMessage[] = [];
  // The ids in `state.pending`, kept up to date by `take`: one set per poll rather than one per
  // answer (a poll of 1,000 reads would otherwise walk the growing list 1,000 times).
  const pendingIds = new Set(state.pending.map((m) => m.messageId));
  const found = options.channels === undefined;
  // Whether the state changed in a way no save has been asked for yet; a poll that changed
  // nothing (no conversation changed, nothing recovered) does not rewrite the checkpoint. What
  // an earlier poll changed and failed before saving (a channel dropped, then a call failed) is
  // saved by this one.
  let unsaved = unsavedKeys.size > 0;

  const dropConversation = (key: string) => {
    touch(key);
    delete state.conversations[key];
    delete state.fetching[key];
  };
  const dropChannel = (channel: ChannelRef) => {
    unsaved = true;
    if (state.channels)
      state.channels = {
        ...state.channels,
        list: state.channels.list.filter((c) => !sameChannel(c, channel)),
      };
    for (const key in state.conversations)
      if (sameChannel(state.conversations[key] as InboundConversation, channel))
        dropConversation(key);
    knownListings.get(state)?.delete(`${channel.platform} ${channel.platformId}`);
    debug?.(
      `inbound: channel ${channel.platform} ${channel.platformId} is gone from the account; no longer watched`,
    );
  };
  /** Whether `error` from a call on `conversation` is one the poll absorbs (dropping what it names). */
  const absorbed = (error: unknown, key: string, conversation: ConversationRef): boolean => {
    if (isApiError(error, 'CHAT_NOT_FOUND')) {
      dropConversation(key);
      return true;
    }
    if (found && isApiError(error, 'CHANNEL_NOT_FOUND')) {
      dropChannel(conversation);
      return true;
    }
    return false;
  };
  const take = (conversation: InboundConversation, read: readonly ChatMessage[]) => {
    // Each message read is of this conversation: it carries the conversation's known platform.
    const messages = read.map((m) => ({ ...m, platform: conversation.platform }));
    const last = messages[messages.length - 1];
    if (last !== undefined) conversation.lastTaken = last.messageId;
    state.pending.push(...messages);
    taken.push(...messages);
    for (const m of messages) pendingIds.add(m.messageId);
  };

  // 1. Recovery of fetches an earlier poll began and never saved.
  for (const [key, intent] of Object.entries(state.fetching)) {
    const conversation = state.conversations[key];
    if (conversation === undefined) {
      delete state.fetching[key];
      continue;
    }
    let history: ChatMessage[];
    try {
      calls.getmessages += 1;
      history = await api.getMessages(refOf(conversation), callOptions);
    } catch (error) {
      if (absorbed(error, key, conversation)) continue;
      await saver.request();
      throw error;
    }
    const again = afterKnown(history, conversation).filter((m) => !pendingIds.has(m.messageId));
    take(conversation, again);
    // What was taken may still be unread; the next fetch must not take it twice. The marker
    // stays as it was, so that the next `getchats` shows the conversation as changed.
    if (again.length > 0) {
      conversation.recovered = [
        ...(conversation.recovered ?? []),
        ...again.map((m) => m.messageId),
      ];
      touch(key);
    }
    delete state.fetching[key];
    debug?.(
      `inbound: recovered ${again.length} message(s) of ${key} after an interrupted poll (intent for marker ${intent.marker ?? 'none'})`,
    );
  }
  if (taken.length > 0 || calls.getmessages > 0) await saver.request();

  // 2. The channels to watch.
  let channels: readonly ChannelRef[];
  if (options.channels !== undefined) {
    channels = options.channels;
  } else {
    if (
      state.channels === undefined ||
      Date.now() - state.channels.readAt >= CHANNEL_LIST_MAX_AGE_MS
    ) {
      calls.getchatchannels += 1;
      const listed = await api.getChatChannels(callOptions);
      const known = listed.filter((c): c is ChatChannel & { platform: Platform } =>
        (PLATFORMS as readonly string[]).includes(c.platform),
      );
      state.channels = {
        list: known.map((c) => ({ platform: c.platform, platformId: c.platformId })),
        readAt: Date.now(),
      };
      unsaved = true;
      // A walk of every conversation, once a minute: `for…in` and no string per conversation,
      // where `Object.entries` and a key made a pair and a string for each, ten thousand of
      // each promoted and collected every time.
      const watched = state.channels.list;
      for (const key in state.conversations) {
        const c = state.conversations[key] as InboundConversation;
        if (!ofChannels(watched, c) && state.fetching[key] === undefined) {
          touch(key);
          delete state.conversations[key];
        }
      }
    }
    channels = state.channels.list;
  }

  // 3. The latest message of every conversation of each channel, compared with the state as
  // each channel's answer arrives. Only the changed conversations' latest messages are kept: a
  // channel's whole list (thousands of chats) can be collected once it is compared, rather than
  // held until every channel has answered.
  let memos = keyMemos.get(state);
  if (memos === undefined) {
    memos = new Map();
    keyMemos.set(state, memos);
  }
  let listings = knownListings.get(state);
  if (listings === undefined) {
    listings = new Map();
    knownListings.set(state, listings);
  }
  // A channel no longer watched (gone from the account's refreshed list, or left out of the
  // `channels` given) keeps no listing: it would hold its thousands of items as long as the state.
  if (listings.size > 0) {
    const watched = new Set(channels.map((c) => `${c.platform} ${c.platformId}`));
    for (const at of listings.keys()) if (!watched.has(at)) listings.delete(at);
  }
  // The chats the channels' answers listed, kept or left out: how many conversations the sweep
  // spreads its reads over.
  let listed = 0;
  const changed = await Promise.all(
    channels.map(async (channel) => {
      calls.getchats += 1;
      const at = `${channel.platform} ${channel.platformId}`;
      let listing = listings.get(at);
      if (listing === undefined) {
        listing = new KnownListing();
        listings.set(at, listing);
      }
      const filter = listing.filterFor(state);
      let list: ChatMessage[];
      try {
        list = await api.getChats(
          { platform: channel.platform, platformId: channel.platformId },
          withListingFilter(callOptions, filter),
        );
      } catch (error) {
        if (found && isApiError(error, 'CHANNEL_NOT_FOUND')) {
          dropChannel(channel);
          return [];
        }
        throw error;
      }
      listed += filter.read ? filter.kept.length / 2 + filter.skippedCount : list.length;
      const keys: Array<string | undefined> = [];
      const changedHere = changedLatest(list, state, memos, keys);
      listing.update(filter, list, keys);
      return changedHere;
    }),
  );
  const now = Date.now();
  // A clock set back would leave the sweep waiting for the instant it had reached: it starts
  // again from now.
  if (state.sweptAt === undefined || state.sweptAt > now) {
    state.sweptAt = now;
    unsaved = true;
  }
  const span =
    sweepIntervalMs > 0 ? sweepSpan(state.sweptAt, now, sweepIntervalMs, listed) : undefined;

  // 4. What to read, announced before reading it: in the channels' order, a later chat of the
  // same conversation replacing an earlier one, as the answers list them.
  const toRead = new Map<
    string,
    {
      conversation: InboundConversation;
      marker: string | undefined;
      /** The date of the latest message `getchats` gave (announced reads only). */
      markerAt?: string;
      announced: boolean;
    }
  >();
  for (const list of changed) {
    for (const { key, message } of list) {
      let conversation = state.conversations[key];
      if (conversation === undefined) {
        conversation = {
          platform: message.platform as Platform,
          platformId: message.platformId,
          destination: message.destination,
        };
        state.conversations[key] = conversation;
        touch(key);
      }
      toRead.set(key, {
        conversation,
        marker: message.messageId,
        markerAt: message.datetime,
        announced: true,
      });
    }
  }
  let swept = false;
  if (span !== undefined) {
    for (const key in state.conversations) {
      if (!span.turns(key)) continue;
      const conversation = state.conversations[key] as InboundConversation;
      if (!ofChannels(channels, conversation)) continue;
      swept = true;
      if (!toRead.has(key))
        toRead.set(key, { conversation, marker: conversation.marker, announced: false });
    }
    // Saved with the reads when there are any. A slice that held no turn is not worth a write
    // of its own (lost in a crash, it is only looked at again); a whole sweep is, as forgetting
    // it would make the next start read every conversation again.
    state.sweptAt = span.to;
    if (span.whole) unsaved = true;
  }
  for (const [key, { marker }] of toRead)
    state.fetching[key] = marker === undefined ? {} : { marker };
  if (toRead.size > 0 || swept) await saver.request();

  // 5. The unread messages of each, `concurrency` at once.
  const queue = [...toRead];
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (failure === undefined) {
      const next = queue.shift();
      if (next === undefined) return;
      const [key, { conversation, marker, markerAt, announced }] = next;
      let unread: ChatMessage[];
      try {
        calls.getunreadmessages += 1;
        unread = await api.getUnreadMessages(refOf(conversation), callOptions);
      } catch (error) {
        if (absorbed(error, key, conversation)) {
          void saver.request().catch(() => undefined);
          continue;
        }
        // The intent stays: the call may have marked messages read.
        failure ??= { error };
        return;
      }
      const recovered = conversation.recovered ?? [];
      const answer = oldestFirst(unread);
      const fresh = answer.filter(
        (m) => !m.sent && !pendingIds.has(m.messageId) && !recovered.includes(m.messageId),
      );
      take(conversation, fresh);
      delete conversation.recovered;
      if (marker !== undefined)
        conversation.marker = announced ? markerAfterRead(marker, markerAt, answer) : marker;
      touch(key);
      delete state.fetching[key];
      if (!announced && fresh.length > 0) {
        debug?.(
          `inbound: the safety sweep found ${fresh.length} message(s) in ${key} that getchats had not announced`,
        );
      }
      saver.progress();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, worker));
  // Intents of calls never made are withdrawn: their conversations still differ from their
  // marker, so the next poll reads them, without a recovery.
  for (const [key] of queue) delete state.fetching[key];
  if (toRead.size > 0 || swept || unsaved) await saver.request();
  if (failure !== undefined) throw failure.error;
  return { messages: taken, swept, calls };
}
