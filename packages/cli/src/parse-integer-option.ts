/** Reading a whole-number option such as `--port` or `--interval`. */
import { CliUsageError } from './cli-usage-error.js';

/**
 * `value` as a whole number within `[min, max]`, or `fallback` when the option was not given.
 *
 * @throws {CliUsageError} naming the option, for anything else.
 */
export function parseIntegerOption(
  name: string,
  value: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(number) || number < min || number > max) {
    throw new CliUsageError(
      `--${name} must be a whole number from ${min} to ${max}, not ${JSON.stringify(value)}`,
    );
  }
  return number;
}
