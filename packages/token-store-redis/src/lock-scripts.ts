/**
 * The lock's Lua scripts, defined on the user's ioredis connection with `defineCommand`: ioredis
 * then sends a script's body once per socket (EVAL) and only its SHA-1 after that (EVALSHA),
 * sending the body again when Redis answers NOSCRIPT (after a `SCRIPT FLUSH`, a restart or a
 * failover). On a `Cluster` the same holds per node.
 *
 * @see https://redis.io/docs/latest/develop/interact/programmability/eval-intro/ (script cache)
 */
import { createHash } from 'node:crypto';

// Both act only if the lock still holds this owner's token (the pattern of
// https://redis.io/docs/latest/develop/use/patterns/distributed-locks/).
const RELEASE =
  "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";
const EXTEND =
  "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end";
// Takes the lock (-3), or says how long its holder keeps it: PTTL's ms, -1 for a lock without
// expiry (never set by a store, which always sets PX), -2 for one gone since.
const ACQUIRE =
  "if redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2], 'NX') then return -3 else return redis.call('pttl', KEYS[1]) end";

/**
 * The name a script gets on the client. ioredis puts a defined command on the client object
 * beside the user's own, so the name carries the package's prefix; and the script's hash, so that
 * two versions of this package sharing one client never run each other's script under one name.
 */
function commandName(purpose: string, lua: string): string {
  return `afilnetChat${purpose}${createHash('sha1').update(lua).digest('hex').slice(0, 12)}`;
}

const ACQUIRE_COMMAND = commandName('AcquireLock', ACQUIRE);
const EXTEND_COMMAND = commandName('ExtendLock', EXTEND);
const RELEASE_COMMAND = commandName('ReleaseLock', RELEASE);

/** A script command as `defineCommand` adds it: the keys, then the arguments. */
type ScriptCommand = (...keysAndArgs: Array<string | number>) => Promise<unknown>;

/** What the scripts need of a client: ioredis's `defineCommand`, on `Redis` and `Cluster` alike. */
export interface ScriptHost {
  defineCommand(name: string, definition: { lua: string; numberOfKeys: number }): void;
}

/** The lock's three scripts on one connection. */
export interface LockScripts {
  /** Takes the lock: `-3` when taken, otherwise the holder's PTTL (`-1` no expiry, `-2` gone). */
  acquire(lockKey: string, owner: string, ttlMs: number): Promise<unknown>;
  /** Sets the lock's TTL again if `owner` still holds it. */
  extend(lockKey: string, owner: string, ttlMs: number): Promise<unknown>;
  /** Deletes the lock if `owner` still holds it. */
  release(lockKey: string, owner: string): Promise<unknown>;
}

/**
 * Defines the lock's scripts on `client`, unless an earlier store already did: redefining would
 * make ioredis forget which sockets have the script and send its body again. The store does not
 * own the connection, so it cannot pass them as ioredis's `scripts` option. Throws nothing.
 */
export function defineLockScripts(client: ScriptHost): LockScripts {
  const commands = client as ScriptHost & Record<string, unknown>;
  for (const [name, lua] of [
    [ACQUIRE_COMMAND, ACQUIRE],
    [EXTEND_COMMAND, EXTEND],
    [RELEASE_COMMAND, RELEASE],
  ] as const) {
    if (typeof commands[name] !== 'function') client.defineCommand(name, { lua, numberOfKeys: 1 });
  }
  // Called as methods: ioredis's script commands read their client from `this`.
  const call = (name: string, ...keysAndArgs: Array<string | number>) =>
    (commands[name] as ScriptCommand).apply(client, keysAndArgs);
  return {
    acquire: (lockKey, owner, ttlMs) => call(ACQUIRE_COMMAND, lockKey, owner, ttlMs),
    extend: (lockKey, owner, ttlMs) => call(EXTEND_COMMAND, lockKey, owner, ttlMs),
    release: (lockKey, owner) => call(RELEASE_COMMAND, lockKey, owner),
  };
}
