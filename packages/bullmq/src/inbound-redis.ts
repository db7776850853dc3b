/**
 * What the inbound poller and workers keep in Redis beside BullMQ's own keys: the poll state,
 * saved only by the poll that loaded it, and each conversation's order of jobs. Every change is
 * one Lua script, defined with ioredis's `defineCommand` (EVALSHA, falling back to EVAL), so each
 * is atomic. docs/fleet.md ("Receiving on BullMQ") explains the design.
 */
import { AfilnetValidationError } from '@afilnet-chat/core';
import {
  createInboundState,
  parseInboundState,
  type InboundState,
} from '@afilnet-chat/core/inbound';
import type { ConnectionOptions } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';

/**
 * Saves the state only if its version is still the one the saver loaded; a poll that lost its
 * BullMQ lock and kept running (a stalled process waking up) can then never overwrite the
 * progress of the poll that replaced it.
 */
const SAVE_STATE = `
local version = redis.call('HGET', KEYS[1], 'version') or ''
if version ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'version', ARGV[2], 'state', ARGV[3])
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
  afilnetSaveInboundState(
    key: string,
    expected: string,
    next: string,
    json: string,
  ): Promise<number>;
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

/** The poll state in Redis, one hash: `state` (JSON) and `version`. */
export class InboundStateStore {
  constructor(
    private readonly redis: InboundRedis,
    private readonly key: string,
  ) {}

  /**
   * Reads the state, and a `save` that writes it only while no other poll saved since.
   *
   * @throws {AfilnetValidationError} `INVALID_CONFIG` when the key holds something that is not
   *   an inbound state (it is never overwritten).
   */
  async load(): Promise<{ state: InboundState; save: (state: InboundState) => Promise<void> }> {
    const [version, json] = await this.redis.hmget(this.key, 'version', 'state');
    let state = createInboundState();
    if (typeof json === 'string') {
      let value: unknown;
      try {
        value = JSON.parse(json);
      } catch {
        value = undefined;
      }
      const parsed = parseInboundState(value);
      if (!parsed.ok) {
        throw new AfilnetValidationError(
          'INVALID_CONFIG',
          `The Redis key ${this.key} does not hold an inbound state: ${parsed.reason}`,
        );
      }
      state = parsed.state;
    }
    let current = version ?? '';
    const save = async (live: InboundState): Promise<void> => {
      // Read before the first await: the poll keeps changing the live object.
      const json = JSON.stringify(live);
      const next = String(Number(current === '' ? 0 : current) + 1);
      const saved = await this.redis.afilnetSaveInboundState(this.key, current, next, json);
      if (saved !== 1) throw new InboundPollSuperseded();
      current = next;
    };
    return { state, save };
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
