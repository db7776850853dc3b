import { describe, expect, it } from 'vitest';
import { outcomeOf } from './send-outcome.js';

describe('outcomeOf', () => {
  it('reads a completed job’s returnvalue, and a job BullMQ failed by itself as needs-review', () => {
    expect(outcomeOf('completed', { outcome: 'sent' })).toBe('sent');
    expect(
      outcomeOf('completed', {
        outcome: 'not-sent',
        error: { code: 'NETWORK', message: 'refused' },
      }),
    ).toBe('not-sent');
    expect(
      outcomeOf('completed', {
        outcome: 'needs-review',
        error: { code: 'TIMEOUT', message: 'late' },
      }),
    ).toBe('needs-review');
    // A job completed by an older worker that returned nothing was sent.
    expect(outcomeOf('completed', null)).toBe('sent');
    expect(outcomeOf('failed', undefined)).toBe('needs-review');
  });
});
