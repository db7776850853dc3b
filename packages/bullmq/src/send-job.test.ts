import { describe, expect, it } from 'vitest';
import { jobIdOf } from './send-job.js';

describe('jobIdOf', () => {
  it('gives every key an id BullMQ accepts (no integer, no colon), one id per key', () => {
    const keys = ['42', 'order:42', 'order%3A42', 'a b', 'ü'];
    const ids = keys.map(jobIdOf);
    for (const id of ids) {
      expect(id).not.toContain(':');
      expect(`${Number.parseInt(id, 10)}`).not.toBe(id);
    }
    expect(new Set(ids).size).toBe(keys.length);
  });
});
