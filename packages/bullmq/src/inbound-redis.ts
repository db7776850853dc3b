/**
 * What the inbound poller and workers keep in Redis beside BullMQ's own keys: the poll state,
 * saved only by the poll that loaded it, and each conversation's order of jobs. Every change is
 * one Lua script, defined with ioredis's `defineCommand` (EVALSHA, falling back to EVAL), so each
 * is atomic. docs/fleet.md ("Receiving on BullMQ") explains the design.
 */
import { randomBytes } from 'node:crypto';
import { AfilnetValidationError } from '@afilnet-chat/core';
import {
  createInboundState,
  parseInboundState,
  type InboundConversation,
  type InboundState,
} from '@afilnet-chat/core/inbound';
import type { ChatMessage } from '@afilnet-chat/core';
import type { ConnectionOptions } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';

/**
 * Saves what changed in the state, only if its version is still the one the saver loaded; a
 * poll that lost its BullMQ lock and kept running (a stalled process waking up) can then never
 * overwrite the progress of the poll that replaced it. ARGV: the version expected, the next one,
 * the head, how many fields to set and how many to delete, then the fields and values to set and
 * the fields to delete. Fields are set and deleted in batches, within what Lua's `unpack` takes.
 */
const SAVE_STATE = `
local version = redis.call('HGET', KEYS[1], 'version') or ''
if version ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'version', ARGV[2], 'head', ARGV[3])
local sets, deletes = tonumber(ARGV[4]), tonumber(ARGV[5])
local first = 6
while sets > 0 do
  local n = math.min(sets, 1000)
  redis.call('HSET', KEYS[1], unpack(ARGV, first, first + 2 * n - 1))
  first, sets = first + 2 * n, sets - n
end
while deletes > 0 do
  local n = math.min(deletes, 1000)
  redis.call('HDEL', KEYS[1], unpack(ARGV, first, first + n - 1))
  first, deletes = first + n, deletes - n
end
return 1`;

/**
 * Gives each message job the job it must wait for: the conversation's last job not yet
 * finished (its tail). ARGV holds pairs of conversation key and job id, oldest first; KEYS[4..]
 * the BullMQ key of each job. Returns, per job, the id it waits for ('' for none), or '!' for a
 * job already queued and finished (it is not queued again). Asked twice for the same job (a
 * poll that died before queueing it), it answers the same.
 */
const CHAIN = `
local out = {}
for i = 1, #ARGV, 2 do
  local conversation, id = ARGV[i], ARGV[i + 1]
  local known = redis.call('HGET', KEYS[2], id)
  if known then
    out[#out + 1] = known
  elseif redis.call('EXISTS', KEYS[3 + (i + 1) / 2]) == 1 then
    out[#out + 1] = '!'
  else
    local previous = redis.call('HGET', KEYS[1], conversation) or ''
    redis.call('HSET', KEYS[2], id, previous)
    if previous ~= '' then redis.call('HSET', KEYS[3], previous, id) end
    redis.call('HSET', KEYS[1], conversation, id)
    out[#out + 1] = previous
  end
end
return out`;

/**
 * Forgets a finished job's place in its conversation and returns the id of the job that waits
 * for it ('' for none). Idempotent.
 */
const FINISH = `
redis.call('HDEL', KEYS[2], ARGV[2])
local following = redis.call('HGET', KEYS[3], ARGV[2]) or ''
redis.call('HDEL', KEYS[3], ARGV[2])
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then redis.call('HDEL', KEYS[1], ARGV[1]) end
return following`;

interface InboundCommands {
  afilnetSaveInboundState(key: string, ...args: string[]): Promise<number>;
  afilnetChainInbound(...args: string[]): Promise<string[]>;
  afilnetFinishInbound(
    tail: string,
    previous: string,
    following: string,
    conversation: string,
    id: string,
  ): Promise<string>;
}

/** An ioredis client with our scripts. */
export type InboundRedis = Redis & InboundCommands;

/**
 * A connection of our own for the scripts: a duplicate of the client passed as `connection`
 * (which stays the caller's), or a new client from the options. Closed by its opener.
 */
export function openInboundRedis(connection: ConnectionOptions): InboundRedis {
  const redis =
    connection instanceof Redis ? connection.duplicate() : new Redis(connection as RedisOptions);
  redis.defineCommand('afilnetSaveInboundState', { numberOfKeys: 1, lua: SAVE_STATE });
  redis.defineCommand('afilnetFinishInbound', { numberOfKeys: 3, lua: FINISH });
  // The chain's key count varies with the batch: given as the first argument.
  redis.defineCommand('afilnetChainInbound', { lua: CHAIN });
  return redis as InboundRedis;
}

/** Thrown by a save whose poll was replaced by another: the poll stops, saving nothing more. */
export class InboundPollSuperseded extends Error {
  constructor() {
    super('Another poll saved the inbound state since this one loaded it; this poll stops');
    this.name = 'InboundPollSuperseded';
  }
}

/** The hash fields of the state: its head, and one per conversation and per fetch intent. */
const HEAD = 'head';
const VERSION = 'version';
/** The field of the whole state as JSON, as earlier versions kept it. */
const LEGACY_STATE = 'state';
const CONVERSATION = 'c:';
const FETCHING = 'f:';
/** A pending message: `p:<n>`, `n` growing in the order of the pending list. */
const PENDING = 'p:';

/**
 * A loaded state, and what changed in it since it was last saved: the keys of the conversations
 * and fetch intents set or deleted (found by proxies on those records and on each conversation),
 * the pending messages saved, and the head (format, channels, sweep time) as last written.
 */
class TrackedState {
  readonly state: InboundState;
  readonly conversations = new Set<string>();
  readonly fetching = new Set<string>();
  /** Fields to delete at the next save whatever else changed (a legacy whole-state field). */
  readonly stale = new Set<string>();
  /** The head's JSON as Redis holds it; `undefined` when it must be written. */
  head: string | undefined;
  /** The number of each pending message Redis holds, by the message object the list holds. */
  saved = new Map<ChatMessage, number>();
  /** The number the next pending message gets. */
  nextNumber = 0;
  /** True while a poll works on it: another load then reads Redis again. */
  inUse = false;

  constructor(
    state: InboundState,
    public version: string,
  ) {
    const conversations: Record<string, InboundConversation> = {};
    for (const [key, conversation] of Object.entries(state.conversations))
      conversations[key] = this.#watchConversation(key, conversation);
    this.state = {
      ...state,
      conversations: this.#watchRecord(conversations, this.conversations, (key, value) =>
        this.#watchConversation(key, value as InboundConversation),
      ),
      fetching: this.#watchRecord({ ...state.fetching }, this.fetching, (_key, value) => value),
    };
  }

  /** A record whose key is marked changed when it is set or deleted. */
  #watchRecord<T>(
    target: Record<string, T>,
    changed: Set<string>,
    wrap: (key: string, value: T) => T,
  ): Record<string, T> {
    return new Proxy(target, {
      set(record, key, value) {
        if (typeof key !== 'string') return Reflect.set(record, key, value);
        record[key] = wrap(key, value as T);
        changed.add(key);
        return true;
      },
      deleteProperty(record, key) {
        if (typeof key === 'string') changed.add(key);
        return Reflect.deleteProperty(record, key);
      },
    });
  }

  /** A conversation whose key is marked changed when any of its fields is set or deleted. */
  #watchConversation(key: string, conversation: InboundConversation): InboundConversation {
    const changed = this.conversations;
    return new Proxy(
      { ...conversation },
      {
        set(target, field, value) {
          changed.add(key);
          return Reflect.set(target, field, value);
        },
        deleteProperty(target, field) {
          changed.add(key);
          return Reflect.deleteProperty(target, field);
        },
      },
    );
  }

  /** The head's JSON: everything but the conversations, fetch intents and pending messages. */
  headJson(): string {
    const { conversations: _c, fetching: _f, pending: _p, ...head } = this.state;
    return JSON.stringify(head);
  }

  /**
   * What a save must write of the pending list: the messages not saved yet, numbered after the
   * saved ones, and the fields of saved messages no longer pending. New messages are appended to
   * the list (the engine pushes them, acknowledging filters); should the list's order ever
   * differ from its numbers, every message is numbered and written anew.
   *
   * @returns the fields to set and delete, and the numbers once the save succeeds.
   */
  pendingChanges(): { sets: string[]; deletes: string[]; numbers: Map<ChatMessage, number> } {
    const pending = this.state.pending;
    let ordered = true;
    let last = -1;
    let appended = false;
    for (const message of pending) {
      const n = this.saved.get(message);
      if (n === undefined) appended = true;
      else if (appended || n <= last) ordered = false;
      else last = n;
    }
    const numbers = new Map<ChatMessage, number>();
    const sets: string[] = [];
    for (const message of pending) {
      const n = ordered ? this.saved.get(message) : undefined;
      if (n !== undefined) {
        numbers.set(message, n);
        continue;
      }
      const next = this.nextNumber++;
      numbers.set(message, next);
      sets.push(PENDING + next, JSON.stringify(message));
    }
    const deletes: string[] = [];
    for (const [message, n] of this.saved)
      if (numbers.get(message) !== n) deletes.push(PENDING + n);
    return { sets, deletes, numbers };
  }

  /** True when nothing changed since the last save (or the load). */
  clean(): boolean {
    return (
      this.conversations.size === 0 &&
      this.fetching.size === 0 &&
      this.stale.size === 0 &&
      this.head === this.headJson() &&
      this.state.pending.length === this.saved.size &&
      this.state.pending.every((message) => this.saved.has(message))
    );
  }
}

/**
 * The poll state in Redis: one hash with the `version` that fences saves, the `head` (JSON:
 * format, channels, sweep time), and one field per conversation (`c:<key>`), per fetch intent
 * (`f:<key>`) and per pending message (`p:<n>`), each JSON. A save writes the head and only the
 * conversations, intents and pending messages that changed since the last save, so it costs what
 * the poll changed, not what the state holds. Between polls the state stays in memory: a load
 * that finds the version this process saved last reads only that version. A hash with a `state`
 * field (the whole state as JSON, as 0.1.0 of this package kept it) is read from that field, and
 * the first save writes it out field by field and deletes `state`, under the same version check.
 */
export class InboundStateStore {
  #kept: TrackedState | undefined;
  /** Makes this process's versions its own, so that a version names one saved state. */
  readonly #token = randomBytes(6).toString('hex');

  constructor(
    private readonly redis: InboundRedis,
    private readonly key: string,
  ) {}

  /**
   * Reads the state, and a `save` that writes what changed in it only while no other poll saved
   * since. Call `release` once the poll is done with the state.
   *
   * @throws {AfilnetValidationError} `INVALID_CONFIG` when the key holds something that is not
   *   an inbound state (it is never overwritten).
   */
  async load(): Promise<{
    state: InboundState;
    save: (state: InboundState) => Promise<void>;
    release: () => void;
  }> {
    const kept = this.#kept;
    let tracked: TrackedState | undefined;
    if (kept !== undefined && !kept.inUse && kept.clean()) {
      const version = (await this.redis.hget(this.key, VERSION)) ?? '';
      if (version === kept.version) tracked = kept;
    }
    tracked ??= await this.#read();
    this.#kept = tracked;
    tracked.inUse = true;
    const current = tracked;
    const save = async (live: InboundState): Promise<void> => {
      if (live !== current.state) throw new TypeError('save() takes the state load() gave');
      // Read before the first await: the poll keeps changing the live object.
      const head = current.headJson();
      const sets: string[] = [];
      const deletes: string[] = [];
      for (const key of current.conversations) {
        const conversation = current.state.conversations[key];
        if (conversation === undefined) deletes.push(CONVERSATION + key);
        else sets.push(CONVERSATION + key, JSON.stringify(conversation));
      }
      for (const key of current.fetching) {
        const intent = current.state.fetching[key];
        if (intent === undefined) deletes.push(FETCHING + key);
        else sets.push(FETCHING + key, JSON.stringify(intent));
      }
      // Left-over fields go, unless this save writes them anew (Lua deletes after it sets).
      const rewritten = (field: string) =>
        (field.startsWith(CONVERSATION) &&
          current.conversations.has(field.slice(CONVERSATION.length))) ||
        (field.startsWith(FETCHING) && current.fetching.has(field.slice(FETCHING.length)));
      for (const field of current.stale) if (!rewritten(field)) deletes.push(field);
      const pending = current.pendingChanges();
      sets.push(...pending.sets);
      deletes.push(...pending.deletes);
      const changed = {
        conversations: [...current.conversations],
        fetching: [...current.fetching],
      };
      const stale = [...current.stale];
      current.conversations.clear();
      current.fetching.clear();
      current.stale.clear();
      const expected = current.version;
      const next = `${Number.parseInt(expected || '0', 10) + 1}-${this.#token}`;
      let saved: number;
      try {
        saved = await this.redis.afilnetSaveInboundState(
          this.key,
          expected,
          next,
          head,
          String(sets.length / 2),
          String(deletes.length),
          ...sets,
          ...deletes,
        );
      } catch (error) {
        // Unsaved: written by the next save, or read again by the next load.
        for (const key of changed.conversations) current.conversations.add(key);
        for (const key of changed.fetching) current.fetching.add(key);
        for (const field of stale) current.stale.add(field);
        throw error;
      }
      if (saved !== 1) {
        if (this.#kept === current) this.#kept = undefined;
        throw new InboundPollSuperseded();
      }
      current.version = next;
      current.head = head;
      current.saved = pending.numbers;
    };
    const release = () => {
      current.inUse = false;
    };
    return { state: current.state, save, release };
  }

  /** Reads the whole state from Redis. */
  async #read(): Promise<TrackedState> {
    const fields = await this.redis.hgetall(this.key);
    const version = fields[VERSION] ?? '';
    const invalid = (reason: string) =>
      new AfilnetValidationError(
        'INVALID_CONFIG',
        `The Redis key ${this.key} does not hold an inbound state: ${reason}`,
      );
    const parse = (json: string): unknown => {
      try {
        return JSON.parse(json);
      } catch {
        return undefined;
      }
    };
    const legacy = fields[LEGACY_STATE];
    const head = fields[HEAD];
    let value: unknown;
    let numbers: number[] = [];
    if (legacy !== undefined) {
      value = parse(legacy);
    } else if (head !== undefined) {
      const conversations: Record<string, unknown> = {};
      const fetching: Record<string, unknown> = {};
      const pending: Array<[number, unknown]> = [];
      for (const [field, json] of Object.entries(fields)) {
        if (field.startsWith(CONVERSATION))
          conversations[field.slice(CONVERSATION.length)] = parse(json);
        else if (field.startsWith(FETCHING)) fetching[field.slice(FETCHING.length)] = parse(json);
        else if (field.startsWith(PENDING))
          pending.push([Number(field.slice(PENDING.length)), parse(json)]);
      }
      pending.sort((a, b) => a[0] - b[0]);
      numbers = pending.map(([n]) => n);
      const parsedHead = parse(head);
      value =
        typeof parsedHead === 'object' && parsedHead !== null
          ? { ...parsedHead, pending: pending.map(([, m]) => m), conversations, fetching }
          : undefined;
    } else if (Object.keys(fields).some((field) => field !== VERSION)) {
      throw invalid('it has neither a head nor a state field');
    }
    if (value === undefined && legacy === undefined && head === undefined)
      return new TrackedState(createInboundState(), version);
    const parsed = parseInboundState(value);
    if (!parsed.ok) throw invalid(parsed.reason);
    const tracked = new TrackedState(parsed.state, version);
    if (legacy === undefined) {
      tracked.head = head;
      for (const [index, message] of tracked.state.pending.entries())
        tracked.saved.set(message, numbers[index] as number);
      tracked.nextNumber = (numbers[numbers.length - 1] ?? -1) + 1;
    } else {
      // Written out field by field at the first save, which drops the legacy field and any
      // field a newer version left beside it.
      for (const key of Object.keys(parsed.state.conversations)) tracked.conversations.add(key);
      for (const key of Object.keys(parsed.state.fetching)) tracked.fetching.add(key);
      for (const field of Object.keys(fields))
        if ([CONVERSATION, FETCHING, PENDING].some((prefix) => field.startsWith(prefix))) {
          tracked.stale.add(field);
          // Pending messages are numbered after any left-over one, whose field is deleted.
          if (field.startsWith(PENDING))
            tracked.nextNumber = Math.max(
              tracked.nextNumber,
              Number(field.slice(PENDING.length)) + 1 || 0,
            );
        }
      tracked.stale.add(LEGACY_STATE);
    }
    return tracked;
  }
}

/** The keys of each conversation's order of jobs, beside the queue's own. */
export interface ConversationOrderKeys {
  /** Conversation key → id of its last job not yet finished. */
  readonly tail: string;
  /** Job id → the id of the job it waits for ('' for none), while it is not finished. */
  readonly previous: string;
  /** Job id → the id of the job that waits for it. */
  readonly following: string;
}

/** Each conversation's jobs as a chain: a job runs once the one before it has finished. */
export class ConversationOrder {
  constructor(
    private readonly redis: InboundRedis,
    private readonly keys: ConversationOrderKeys,
    private readonly jobKey: (jobId: string) => string,
  ) {}

  /**
   * Places jobs at the end of their conversations' chains, oldest first.
   *
   * @returns per job, the id it waits for (`undefined`: none), or `'queued'` for a job already
   *   queued and finished.
   */
  async chain(
    jobs: ReadonlyArray<{ readonly conversation: string; readonly id: string }>,
  ): Promise<Array<string | undefined | 'queued'>> {
    if (jobs.length === 0) return [];
    const { tail, previous, following } = this.keys;
    const keys = [tail, previous, following, ...jobs.map((j) => this.jobKey(j.id))];
    const args = jobs.flatMap((j) => [j.conversation, j.id]);
    const answers = await this.redis.afilnetChainInbound(String(keys.length), ...keys, ...args);
    return answers.map((a) => (a === '!' ? 'queued' : a === '' ? undefined : a));
  }

  /** Forgets finished job `id`; returns the id of the job that waited for it, if any. */
  async finish(conversation: string, id: string): Promise<string | undefined> {
    const { tail, previous, following } = this.keys;
    const next = await this.redis.afilnetFinishInbound(tail, previous, following, conversation, id);
    return next === '' ? undefined : next;
  }
}
