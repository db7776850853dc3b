/** Asserting that a call ended in the right `AfilnetTransportError` (SPEC §3 "Every flavour", §4). */
import { expect } from 'vitest';
import { AfilnetTransportError } from '@afilnet-chat/core';
import type { ExpectedError } from './fault-cases.js';

export interface ExpectOptions {
  /** The `mayHaveBeenSent` the error must carry. */
  readonly mayHaveBeenSent: boolean;
  /**
   * The call may have been retried, so its deadline may have ended it first: then the error is
   * `TIMEOUT` with the expected error as its cause (SPEC §4 settled details).
   */
  readonly deadlineMayEndRetries?: boolean;
}

export function expectTransportError(error: unknown, expected: ExpectedError, options: ExpectOptions): void {
  expect(error, `expected an AfilnetTransportError, got ${String(error)}`).toBeInstanceOf(AfilnetTransportError);
  const outer = error as AfilnetTransportError;
  expect(outer.mayHaveBeenSent, `mayHaveBeenSent of ${outer.code}`).toBe(options.mayHaveBeenSent);
  let subject = outer;
  if (options.deadlineMayEndRetries && expected.code !== 'TIMEOUT' && outer.code === 'TIMEOUT') {
    expect(outer.cause, 'a TIMEOUT that ended retries carries the last failure as its cause').toBeInstanceOf(
      AfilnetTransportError,
    );
    subject = outer.cause as AfilnetTransportError;
  }
  expect(subject.code, subject.message).toBe(expected.code);
  if (expected.httpStatus !== undefined) expect(subject.httpStatus).toBe(expected.httpStatus);
  if (expected.faultCode !== undefined) expect(subject.faultCode).toMatch(expected.faultCode);
}
