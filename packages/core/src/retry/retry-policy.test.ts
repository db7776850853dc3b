import { describe, expect, it } from 'vitest';
import { AfilnetTransportError } from '../errors/errors.js';
import { createRetryBudget } from './retry-budget.js';
import { parseRetryAfter } from './retry-after.js';
import {
  backoffDelay,
  DEFAULT_RETRY_POLICY,
  isRetryable,
  resolveRetryPolicy,
} from './retry-policy.js';

const error = (
  code: AfilnetTransportError['code'],
  details: { mayHaveBeenSent?: boolean; httpStatus?: number } = {},
) => new AfilnetTransportError(code, code, details);

describe('isRetryable', () => {
  it('retries reads on network failures, timeouts, 429 and 5xx', () => {
    expect(isRetryable(error('NETWORK', { mayHaveBeenSent: true }), 'getchats')).toBe(true);
    expect(isRetryable(error('TIMEOUT', { mayHaveBeenSent: true }), 'getmessages')).toBe(true);
    expect(isRetryable(error('RATE_LIMITED', { httpStatus: 429 }), 'getchatchannels')).toBe(true);
    expect(isRetryable(error('HTTP_STATUS', { httpStatus: 503 }), 'getunreadmessages')).toBe(true);
    expect(isRetryable(error('TOKEN_ENDPOINT', { httpStatus: 502 }), 'getchats')).toBe(true);
  });

  it('never retries answers that will not change', () => {
    for (const code of [
      'MALFORMED_RESPONSE',
      'SOAP_FAULT',
      'UNAUTHORIZED',
      'RESPONSE_TOO_LARGE',
      'ABORTED',
    ] as const) {
      expect(isRetryable(error(code), 'getchats'), code).toBe(false);
    }
    expect(isRetryable(error('HTTP_STATUS', { httpStatus: 404 }), 'getchats')).toBe(false);
    expect(isRetryable(error('TOKEN_ENDPOINT', { httpStatus: 401 }), 'getchats')).toBe(false);
    expect(isRetryable(new Error('x'), 'getchats')).toBe(false);
  });

  it('retries a send only when it provably never reached the server', () => {
    expect(isRetryable(error('NETWORK', { mayHaveBeenSent: false }), 'sendmessage')).toBe(true);
    expect(isRetryable(error('NETWORK', { mayHaveBeenSent: true }), 'sendmessage')).toBe(false);
    expect(isRetryable(error('TIMEOUT', { mayHaveBeenSent: true }), 'sendfile')).toBe(false);
    expect(
      isRetryable(error('HTTP_STATUS', { httpStatus: 503, mayHaveBeenSent: true }), 'sendmessage'),
    ).toBe(false);
    expect(
      isRetryable(error('TOKEN_ENDPOINT', { httpStatus: 503, mayHaveBeenSent: false }), 'sendfile'),
    ).toBe(true);
    // A 429 refused the request: a send is retried like a read.
    expect(isRetryable(error('RATE_LIMITED', { httpStatus: 429 }), 'sendmessage')).toBe(true);
  });

  it('retries getunreadmessages, which marks what it returns read, only when it never reached the server', () => {
    expect(isRetryable(error('NETWORK', { mayHaveBeenSent: false }), 'getunreadmessages')).toBe(
      true,
    );
    expect(isRetryable(error('NETWORK', { mayHaveBeenSent: true }), 'getunreadmessages')).toBe(
      false,
    );
    expect(isRetryable(error('TIMEOUT', { mayHaveBeenSent: true }), 'getunreadmessages')).toBe(
      false,
    );
    expect(isRetryable(error('NETWORK', { mayHaveBeenSent: true }), 'getmessages')).toBe(true);
  });
});

describe('backoffDelay', () => {
  it('draws a full-jitter delay under an exponential, capped ceiling', () => {
    const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1_000 };
    expect(backoffDelay(1, policy, undefined, () => 0.999)).toBe(99);
    expect(backoffDelay(3, policy, undefined, () => 0.5)).toBe(200);
    expect(backoffDelay(8, policy, undefined, () => 0.999)).toBe(999);
    expect(backoffDelay(2, policy, undefined, () => 0)).toBe(0);
  });
  it('waits at least what Retry-After asks', () => {
    expect(backoffDelay(1, DEFAULT_RETRY_POLICY, 7_000, () => 0.1)).toBe(7_000);
  });
  it('resolves false as a single attempt', () => {
    expect(resolveRetryPolicy(false).maxAttempts).toBe(1);
    expect(resolveRetryPolicy({ maxAttempts: 5 }).maxAttempts).toBe(5);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('3')).toBe(3_000);
    expect(
      parseRetryAfter('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT')),
    ).toBe(10_000);
    expect(
      parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', Date.parse('Wed, 21 Oct 2015 07:29:00 GMT')),
    ).toBe(0);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
});

describe('createRetryBudget', () => {
  it('allows ten retries, then earns a fraction per call', () => {
    const budget = createRetryBudget(0.5);
    for (let i = 0; i < 10; i++) expect(budget.withdraw()).toBe(true);
    expect(budget.withdraw()).toBe(false);
    budget.deposit();
    expect(budget.withdraw()).toBe(false);
    budget.deposit();
    expect(budget.withdraw()).toBe(true);
  });
});
