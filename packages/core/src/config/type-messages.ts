/**
 * The wording of type errors, shared by every schema of core so a message reads the same
 * whichever option or input it is about, and never quotes the value.
 */

/** The type of a value, for messages that must not quote the value itself. */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** A zod error callback: `is required` for a missing value, else `must be X, not Y`. */
export function expectedType(expected: string): (issue: { input?: unknown }) => string {
  return (issue) =>
    issue.input === undefined
      ? 'is required'
      : `must be ${expected}, not ${describeType(issue.input)}`;
}
