/**
 * Redis as an optimisation, never a dependency: every command the store sends is given a
 * deadline, and once Redis has failed or been slow the store stops asking it for a moment, so
 * that calls go on with tokens of their own instead of queueing behind a dead server
 * (docs/fleet.md, "Sharing one OAuth token across processes").
 *
 * Why the guard times commands itself: ioredis's `commandTimeout` is an option of the connection,
 * and the connection is the user's. The store cannot set it, and whatever the user set (most
 * set nothing) applies to every command of theirs, not to the store's budget. Without a deadline
 * a command sent to a paused server waits as long as the pause, and one sent while ioredis
 * reconnects waits in its offline queue through every retry (for ever with
 * `maxRetriesPerRequest: null`, which BullMQ asks of its connections), all of it inside the
 * user's call. Why a deadline per command rather than per store call: a store call is one or two
 * commands, or a lock wait that is bounded on its own (by the lock's TTL and the caller's signal)
 * and polls between commands; each command is one round trip that a healthy Redis answers well
 * within `timeoutMs`, so the first one that does not shows Redis down, and the pause then spares
 * the following calls the same wait.
 */

/** The ioredis connection states in which a command cannot be answered soon. */
const UNAVAILABLE = new Set(['end', 'close', 'reconnecting']);

/** Why a Redis command was not used. It never holds a key's value or a token. */
export class RedisUnavailableError extends Error {
  override readonly name = 'RedisUnavailableError';
}

/** What the guard reads of a client: ioredis's connection state. */
export interface ConnectionStatus {
  readonly status: string;
}

/**
 * Runs Redis commands with a deadline and a short back-off after a failure.
 *
 * - A command that has not answered within `timeoutMs` is given up (it may still run later).
 * - After a failure or a timeout, commands fail at once for `pauseMs`.
 * - A connection ioredis reports closed or reconnecting fails at once.
 */
export class RedisGuard {
  readonly #client: ConnectionStatus;
  readonly #timeoutMs: number;
  readonly #pauseMs: number;
  #pausedUntil = 0;

  constructor(client: ConnectionStatus, timeoutMs: number, pauseMs: number) {
    this.#client = client;
    this.#timeoutMs = timeoutMs;
    this.#pauseMs = pauseMs;
  }

  /**
   * Runs `command`, answering what it answers.
   *
   * @throws {RedisUnavailableError} when Redis is paused, closed, failed or too slow; the
   *   command's own error is kept as `cause`.
   */
  run<T>(command: () => Promise<T>): Promise<T> {
    if (Date.now() < this.#pausedUntil)
      return Promise.reject(new RedisUnavailableError('Redis is paused after a failure'));
    if (UNAVAILABLE.has(this.#client.status)) {
      this.#pause();
      return Promise.reject(
        new RedisUnavailableError(`the Redis connection is ${this.#client.status}`),
      );
    }
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const timer = setTimeout(() => {
        settled = true;
        this.#pause();
        reject(new RedisUnavailableError(`Redis did not answer within ${this.#timeoutMs} ms`));
      }, this.#timeoutMs);
      timer.unref();
      Promise.resolve()
        .then(command)
        .then(
          (value) => {
            clearTimeout(timer);
            if (!settled) resolve(value);
          },
          (error: unknown) => {
            clearTimeout(timer);
            if (settled) return;
            this.#pause();
            reject(new RedisUnavailableError('the Redis command failed', { cause: error }));
          },
        );
    });
  }

  #pause(): void {
    this.#pausedUntil = Date.now() + this.#pauseMs;
  }
}
