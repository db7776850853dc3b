/**
 * Checks of the options we own, made when a queue, worker or poller is created. The options
 * BullMQ owns are passed to it as they are: BullMQ checks them itself.
 */
import { AfilnetValidationError, type ValidationIssue } from '@afilnet-chat/core';

/** Collects every problem of one options object, then throws them together. */
export class OptionChecks {
  readonly #issues: ValidationIssue[] = [];
  readonly #options: Record<string, unknown>;

  constructor(
    options: unknown,
    private readonly what: string,
  ) {
    if (typeof options !== 'object' || options === null) {
      this.#issues.push({ path: '', message: 'must be an options object' });
      this.#options = {};
    } else {
      this.#options = options as Record<string, unknown>;
    }
  }

  /** A problem with the option `path` (never quoting its value). */
  problem(path: string, message: string): void {
    this.#issues.push({ path, message });
  }

  /** `connection` is BullMQ's: ioredis options or a client; only its presence is ours to check. */
  connection(): this {
    const value = this.#options.connection;
    if (typeof value !== 'object' || value === null)
      this.problem('connection', 'must be ioredis options or an ioredis client');
    return this;
  }

  /** An optional non-empty string. */
  name(key: string): this {
    const value = this.#options[key];
    if (value !== undefined && (typeof value !== 'string' || value === ''))
      this.problem(key, 'must be a non-empty string');
    return this;
  }

  /** An optional whole number of at least `min`. */
  integer(key: string, what: string, min = 1): this {
    const value = this.#options[key];
    if (value === undefined) return this;
    if (typeof value !== 'number' || !Number.isInteger(value))
      this.problem(key, `must be a whole number of ${what}`);
    else if (value < min) this.problem(key, `must be at least ${min}`);
    return this;
  }

  /**
   * Throws when anything was found.
   *
   * @throws {AfilnetValidationError} `INVALID_CONFIG` naming every bad option, never its value.
   */
  done(): void {
    if (this.#issues.length > 0) {
      throw new AfilnetValidationError('INVALID_CONFIG', `Invalid ${this.what} options`, {
        issues: this.#issues,
      });
    }
  }
}
