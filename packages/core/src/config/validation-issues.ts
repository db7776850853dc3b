/**
 * Turning zod's issues into the SDK's {@link ValidationIssue} list.
 */
import type { ValidationIssue } from '../errors/errors.js';

/**
 * What {@link toValidationIssues} reads of a zod issue (zod 4's `$ZodIssue` is one), described
 * here so core's published types name no zod module: core's build inlines the part of zod it uses.
 */
export interface SchemaIssue {
  /** The schema library's issue code (`invalid_type`, `unrecognized_keys`, …). */
  readonly code: string;
  /** Where in the input, as keys and indexes. */
  readonly path: readonly PropertyKey[];
  /** What is wrong, in words. */
  readonly message: string;
  /** The unknown keys of an `unrecognized_keys` issue. */
  readonly keys?: readonly string[];
}

/**
 * Maps zod issues to `{ path, message }`, the path dotted (`credentials.user`). Messages come
 * from the schemas, which describe types and rules and never quote the value.
 */
export function toValidationIssues(issues: readonly SchemaIssue[], prefix = ''): ValidationIssue[] {
  return issues.map((issue) => {
    const path = [prefix, ...issue.path.map(String)].filter((p) => p !== '').join('.');
    if (issue.code === 'unrecognized_keys' && issue.keys !== undefined) {
      return {
        path,
        message: `unknown option${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}`,
      };
    }
    return { path, message: issue.message };
  });
}
