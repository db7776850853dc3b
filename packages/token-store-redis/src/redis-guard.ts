/**
 * Redis as an optimisation, never a dependency (SPEC §11): every command the store sends is
 * given a deadline, and once Redis has failed or been slow the store stops asking it for a
 * moment, so that calls go on with tokens of their own instead of queueing behind a dead server.
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
    if (Date.now() < this.#pausedUntil) return Promise.reject(new RedisUnavailableError('Redis is paused after a failure'));
    if (UNAVAILABLE.has(this.#client.status)) {
      this.#pause();
      return Promise.reject(new RedisUnavailableError(`the Redis connection is ${this.#client.status}`));
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
