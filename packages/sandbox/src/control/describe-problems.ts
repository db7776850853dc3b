/**
 * The words a control API refusal uses: each problem zod found, after the field it is about
 * (`[0].fault`, `generate.conversationsPerChannel`).
 */
import type { z } from 'zod';

/** How many problems a message names; a body with thousands of bad items gives a count of the rest. */
const NAMED_PROBLEMS = 10;

function fieldName(path: readonly PropertyKey[], whole: string): string {
  const name = path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
  return name === '' ? whole : name.startsWith('.') ? name.slice(1) : name;
}

/**
 * `field: problem; field: problem`, naming the first few problems and counting the others;
 * `whole` names the value itself when a problem is about all of it (e.g. `the rule list`).
 */
export function describeProblems(issues: readonly z.core.$ZodIssue[], whole: string): string {
  const named = issues
    .slice(0, NAMED_PROBLEMS)
    .map((issue) => `${fieldName(issue.path, whole)}: ${issue.message}`);
  const more = issues.length - named.length;
  return more > 0 ? `${named.join('; ')}; and ${more} more` : named.join('; ');
}
