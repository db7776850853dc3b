import { describe, expect, it } from 'vitest';
import { failedReason, readFailedReason, STALLED } from './send-outcome.js';

describe('failed reasons', () => {
  it('round-trip the outcome and the error', () => {
    const error = { code: 'NETWORK', message: 'The connection to 127.0.0.1:1 was reset' };
    expect(readFailedReason(failedReason('needs-review', error))).toEqual({ outcome: 'needs-review', error });
    expect(readFailedReason(failedReason('not-sent', { code: 'CHANNEL_NOT_FOUND', message: 'a\nb' }))).toEqual({
      outcome: 'not-sent',
      error: { code: 'CHANNEL_NOT_FOUND', message: 'a\nb' },
    });
  });

  it('read a reason the worker did not write (BullMQ failing a stalled job) as needs-review', () => {
    expect(readFailedReason('job stalled more than allowable limit')).toEqual({
      outcome: 'needs-review',
      error: { code: STALLED, message: 'job stalled more than allowable limit' },
    });
    expect(readFailedReason(undefined).outcome).toBe('needs-review');
  });
});
