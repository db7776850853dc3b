/**
 * Turning zod's issues into the SDK's {@link ValidationIssue} list.
 */
import type { z } from 'zod/mini';
import type { ValidationIssue } from './errors.js';

/**
 * Maps zod issues to `{ path, message }`, the path dotted (`credentials.user`). Messages come
 * from the schemas, which describe types and rules and never quote the value.
 */
export function toValidationIssues(issues: readonly z.core.$ZodIssue[], prefix = ''): ValidationIssue[] {
  return issues.map((issue) => {
    const path = [prefix, ...issue.path.map(String)].filter((p) => p !== '').join('.');
    if (issue.code === 'unrecognized_keys') {
      return { path, message: `unknown option${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}` };
    }
    return { path, message: issue.message };
  });
}
