/**
 * Checks of a package's own options, for the packages built on core (the BullMQ fleet, the Redis
 * token store): small hand-written checks with core's error, so that those packages need no
 * schema library of their own for a handful of options. Every problem is collected, then thrown
 * together; a problem names the option and never quotes its value, which may be a secret.
 */
import { AfilnetValidationError, type ValidationIssue } from '../errors/errors.js';

/**
 * Collects every problem of one options object, then {@link OptionChecks.done} throws them
 * together. Each check passes an option left out; `required` refuses one.
 *
 * @example
 * ```ts
 * new OptionChecks(options, 'Redis token store').name('keyPrefix').integer('timeoutMs', 'milliseconds').done();
 * ```
 */
export class OptionChecks {
  readonly #issues: ValidationIssue[] = [];
  readonly #options: Readonly<Record<string, unknown>>;
  readonly #what: string;

  /**
   * @param options - what the user passed; anything but an object is itself a problem.
   * @param what - the options' owner, for the error's message (`Invalid <what> options`).
   */
  constructor(options: unknown, what: string) {
    this.#what = what;
    if (typeof options !== 'object' || options === null) {
      this.#issues.push({ path: '', message: 'must be an options object' });
      this.#options = {};
    } else {
      this.#options = options as Record<string, unknown>;
    }
  }

  /** The value of the option `key`, as given. */
  value(key: string): unknown {
    return this.#options[key];
  }

  /** Records a problem with the option `path`; the message must not quote its value. */
  problem(path: string, message: string): this {
    this.#issues.push({ path, message });
    return this;
  }

  /** Refuses any option not in `known` (a misspelt option would otherwise be silently ignored). */
  onlyKnown(known: readonly string[]): this {
    for (const key of Object.keys(this.#options))
      if (!known.includes(key)) this.problem(key, 'is not an option');
    return this;
  }

  /** `test` must hold for the option `key` when it is given; `message` says what it must be. */
  custom(key: string, test: (value: unknown) => boolean, message: string): this {
    const value = this.#options[key];
    if (value !== undefined && !test(value)) this.problem(key, message);
    return this;
  }

  /** The option `key` must be given. */
  required(key: string, message = 'is required'): this {
    if (this.#options[key] === undefined) this.problem(key, message);
    return this;
  }

  /** An optional string. */
  string(key: string): this {
    return this.custom(key, (value) => typeof value === 'string', 'must be a string');
  }

  /** An optional non-empty string. */
  name(key: string): this {
    return this.custom(
      key,
      (value) => typeof value === 'string' && value !== '',
      'must be a non-empty string',
    );
  }

  /** An optional boolean. */
  boolean(key: string): this {
    return this.custom(key, (value) => typeof value === 'boolean', 'must be a boolean');
  }

  /** An optional whole number of at least `min`; `what` names its unit (`milliseconds`). */
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
      throw new AfilnetValidationError('INVALID_CONFIG', `Invalid ${this.#what} options`, {
        issues: this.#issues,
      });
    }
  }
}
