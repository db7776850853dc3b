/** Capturing the error a call ends with, and every text form of it a user could ever print. */
import { inspect } from 'node:util';

/** The error `promise` rejects with; fails the test if it resolves. */
export async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/** `error` and each error of its cause chain (bounded, in case of a cycle). */
export function causeChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  let current: unknown = error;
  while (
    current !== undefined &&
    current !== null &&
    chain.length < 16 &&
    !chain.includes(current)
  ) {
    chain.push(current);
    current = (current as { cause?: unknown }).cause;
  }
  return chain;
}

/**
 * Every way `error` can be turned into text: message, stack, `JSON.stringify` and
 * `util.inspect` (depth 10), for the error and for each cause, plus every own property.
 */
export function textFormsOf(error: unknown): Array<{ form: string; text: string }> {
  const forms: Array<{ form: string; text: string }> = [];
  causeChain(error).forEach((link, depth) => {
    const at = depth === 0 ? 'error' : `cause[${depth}]`;
    if (link instanceof Error) {
      forms.push({ form: `${at}.message`, text: link.message });
      forms.push({ form: `${at}.stack`, text: String(link.stack) });
    }
    let json: string;
    try {
      json = JSON.stringify(link) ?? '';
    } catch (failure) {
      json = `unserialisable: ${String(failure)}`;
    }
    forms.push({ form: `JSON.stringify(${at})`, text: json });
    forms.push({
      form: `inspect(${at})`,
      text: inspect(link, { depth: 10, showHidden: true, getters: true }),
    });
    forms.push({ form: `String(${at})`, text: String(link) });
  });
  return forms;
}
