/**
 * What listening to an account remembers between polls: plain JSON, so that a file, Redis or
 * any store can hold it. The format is described in docs/inbound.md ("The checkpoint").
 */
import type { ChannelRef, ChatMessage } from '../wire/chat-types.js';
import { PLATFORMS, type Platform } from '../wire/chat-types.js';

/** The value of {@link InboundState.format}: how a checkpoint is recognised. */
export const INBOUND_STATE_FORMAT = 'afilnet-chat/inbound';
/** The version of the state's shape this code reads and writes. */
export const INBOUND_STATE_VERSION = 1;

/** What is remembered of one conversation. */
export interface InboundConversation {
  /** The channel's platform. */
  readonly platform: Platform;
  /** The channel's id. */
  readonly platformId: string;
  /** The contact. */
  readonly destination: string;
  /**
   * The `messageId` of the conversation's latest message as `getchats` gave it when this
   * conversation was last fetched; a different latest message means something new.
   */
  marker?: string;
  /** The `messageId` of the newest inbound message taken in (pending or acknowledged). */
  lastTaken?: string;
  /**
   * Ids taken in by a recovery that may still be unread on the server; the next
   * `getunreadmessages` of this conversation drops them, then this list is cleared.
   */
  recovered?: string[];
}

/**
 * A `getunreadmessages` about to be made: written (and saved) before the call, removed in the
 * same save that holds its result. One found on loading means the call may have marked
 * messages read whose answer was never saved.
 */
export interface InboundFetchIntent {
  /** The latest message's id `getchats` gave, which becomes the conversation's marker. */
  readonly marker?: string;
}

/** The channel list read from the account, when the watch finds channels by itself. */
export interface InboundChannelList {
  /** The channels. */
  readonly list: ChannelRef[];
  /** When it was read, in ms since the epoch. */
  readonly readAt: number;
}

/**
 * An inbound message as listening hands it out: a {@link ChatMessage} of a conversation on a
 * platform this version knows (conversations on other platforms are not listened to), so that its
 * `platform`, `platformId` and `destination` answer it as they are:
 * `const { platform, platformId, destination } = message; chat.sendMessage({ platform, platformId, destination, message: 'Thanks' })`.
 */
export interface InboundMessage extends ChatMessage {
  /** The conversation's platform. */
  platform: Platform;
}

/**
 * The state of listening to an account. The poll step (`pollInbound`) changes it in place
 * and hands it to `save` at each point that must survive a crash.
 */
export interface InboundState {
  /** Marks the JSON as an inbound checkpoint, so that any other file is refused, never overwritten. */
  readonly format: typeof INBOUND_STATE_FORMAT;
  /** The shape's version: a state of another version is refused rather than misread. */
  readonly version: typeof INBOUND_STATE_VERSION;
  /** Every conversation seen, by `conversationKey`. */
  conversations: Record<string, InboundConversation>;
  /** Fetches begun and not saved, by conversation key. */
  fetching: Record<string, InboundFetchIntent>;
  /** Messages taken in and not yet acknowledged, in the order they are to be handled. */
  pending: InboundMessage[];
  /** The account's channels, when they are found rather than given. */
  channels?: InboundChannelList;
  /**
   * How far the safety sweep has gone, in ms since the epoch: the conversations whose turn came
   * before it have been read (set when the state began, and by each poll that read some).
   */
  sweptAt?: number;
  /**
   * When the handling of a pending message first began, in ms since the epoch, by `messageId`:
   * for a consumer that retries a message within a window from its first attempt (the CLI's
   * relay), so that a restart continues the window instead of opening a new one. Acknowledging a
   * message removes its entry.
   */
  firstAttemptAt?: Record<string, number>;
}

/** A state with nothing seen yet. */
export function createInboundState(): InboundState {
  return {
    format: INBOUND_STATE_FORMAT,
    version: INBOUND_STATE_VERSION,
    conversations: {},
    fetching: {},
    pending: [],
  };
}

/**
 * Removes acknowledged messages from `state.pending`. A message is acknowledged once it has been
 * handled (or, in a fleet, queued); after the next save it will not be given again.
 *
 * @returns how many pending messages were removed.
 */
export function acknowledgeInbound(state: InboundState, messageIds: Iterable<string>): number {
  const done = new Set(messageIds);
  const before = state.pending.length;
  // Messages are acknowledged in the order they were handed out, so the acknowledged ones are
  // usually the head of the list: taking the head off spares a pass over every pending message
  // for each acknowledgement (quadratic over a poll that took thousands). Pending ids are
  // unique, so a head holding every acknowledged id leaves none of them behind it.
  let head = 0;
  while (head < before && done.has((state.pending[head] as InboundMessage).messageId)) head += 1;
  if (head === done.size) state.pending.splice(0, head);
  else state.pending = state.pending.filter((m) => !done.has(m.messageId));
  if (state.firstAttemptAt !== undefined) {
    for (const id of done) delete state.firstAttemptAt[id];
    if (Object.keys(state.firstAttemptAt).length === 0) delete state.firstAttemptAt;
  }
  return before - state.pending.length;
}

/** Whether `value` is a JSON object (not null, not an array). */
export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
/** Whether `value` is a string. */
export const isString = (value: unknown): value is string => typeof value === 'string';
const isOptionalString = (value: unknown): boolean =>
  value === undefined || typeof value === 'string';
const isPlatform = (value: unknown): value is Platform =>
  (PLATFORMS as readonly unknown[]).includes(value);

function isMessage(value: unknown): value is InboundMessage {
  return (
    isRecord(value) &&
    isPlatform(value.platform) &&
    ['platformId', 'destination', 'messageId', 'message', 'status', 'datetime'].every((k) =>
      isString(value[k]),
    ) &&
    typeof value.sent === 'boolean'
  );
}

function isConversation(value: unknown): value is InboundConversation {
  return (
    isRecord(value) &&
    isPlatform(value.platform) &&
    isString(value.platformId) &&
    isString(value.destination) &&
    isOptionalString(value.marker) &&
    isOptionalString(value.lastTaken) &&
    (value.recovered === undefined ||
      (Array.isArray(value.recovered) && value.recovered.every(isString)))
  );
}

function isChannelList(value: unknown): value is InboundChannelList {
  return (
    isRecord(value) &&
    typeof value.readAt === 'number' &&
    Array.isArray(value.list) &&
    value.list.every((c) => isRecord(c) && isPlatform(c.platform) && isString(c.platformId))
  );
}

/** What {@link parseInboundState} answers. */
export type ParsedInboundState =
  | {
      /** It is a state. */
      ok: true;
      /** The state, ready to continue from. */
      state: InboundState;
    }
  | {
      /** It is not a state. */
      ok: false;
      /** A sentence saying why. */
      reason: string;
    };

/**
 * Checks that `value` (parsed JSON) is a state this code can continue from.
 *
 * @returns the state, or a sentence saying why it is not one.
 */
export function parseInboundState(value: unknown): ParsedInboundState {
  if (!isRecord(value) || value.format !== INBOUND_STATE_FORMAT) {
    return {
      ok: false,
      reason: `it is not an afilnet-chat inbound checkpoint (no "format": "${INBOUND_STATE_FORMAT}")`,
    };
  }
  if (value.version !== INBOUND_STATE_VERSION) {
    return {
      ok: false,
      reason: `its version ${JSON.stringify(value.version)} is not ${INBOUND_STATE_VERSION}, the one this version of afilnet-chat reads`,
    };
  }
  const problems: string[] = [];
  if (!isRecord(value.conversations) || !Object.values(value.conversations).every(isConversation))
    problems.push('conversations');
  if (
    !isRecord(value.fetching) ||
    !Object.values(value.fetching).every((f) => isRecord(f) && isOptionalString(f.marker))
  ) {
    problems.push('fetching');
  } else if (
    isRecord(value.conversations) &&
    !Object.keys(value.fetching).every((key) => Object.hasOwn(value.conversations as object, key))
  ) {
    problems.push('fetching');
  }
  if (!Array.isArray(value.pending) || !value.pending.every(isMessage)) problems.push('pending');
  if (value.channels !== undefined && !isChannelList(value.channels)) problems.push('channels');
  if (value.sweptAt !== undefined && typeof value.sweptAt !== 'number') problems.push('sweptAt');
  if (
    value.firstAttemptAt !== undefined &&
    !(
      isRecord(value.firstAttemptAt) &&
      Object.values(value.firstAttemptAt).every((t) => typeof t === 'number')
    )
  )
    problems.push('firstAttemptAt');
  if (problems.length > 0)
    return {
      ok: false,
      reason: `its ${problems.join(', ')} ${problems.length > 1 ? 'are' : 'is'} malformed`,
    };
  return { ok: true, state: value as unknown as InboundState };
}
