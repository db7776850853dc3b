/** Asserting that a call ended in the right `AfilnetTransportError` (docs/behaviour.md#answers). */
import { expect } from 'vitest';
import { AfilnetTransportError } from '@afilnet-chat/core';
import type { ExpectedError } from './fault-cases.js';

export interface ExpectOptions {
  /** The `mayHaveBeenSent` the error must carry. */
  readonly mayHaveBeenSent: boolean;
}

export function expectTransportError(
  error: unknown,
  expected: ExpectedError,
  options: ExpectOptions,
): void {
  expect(error, `expected an AfilnetTransportError, got ${String(error)}`).toBeInstanceOf(
    AfilnetTransportError,
  );
  const outer = error as AfilnetTransportError;
  expect(outer.mayHaveBeenSent, `mayHaveBeenSent of ${outer.code}`).toBe(options.mayHaveBeenSent);
  expect(outer.code, outer.message).toBe(expected.code);
  if (expected.httpStatus !== undefined) expect(outer.httpStatus).toBe(expected.httpStatus);
  if (expected.faultCode !== undefined) expect(outer.faultCode).toMatch(expected.faultCode);
}
