import { describe, expect, it } from 'vitest';
import { fleetOptionChecks } from './check-options.js';

describe('fleetOptionChecks', () => {
  it('names every bad option at once, never quoting its value', () => {
    const options = {
      connection: 'redis://secret@host',
      queueName: '',
      intervalMs: 1.5,
      recheckMs: 5,
      fine: 'x',
    };
    let thrown: unknown;
    try {
      fleetOptionChecks(options, 'test')
        .name('queueName')
        .name('prefix')
        .integer('intervalMs', 'milliseconds')
        .integer('recheckMs', 'milliseconds', 10)
        .done();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({
      name: 'AfilnetValidationError',
      code: 'INVALID_CONFIG',
      issues: [
        { path: 'connection', message: 'must be ioredis options or an ioredis client' },
        { path: 'queueName', message: 'must be a non-empty string' },
        { path: 'intervalMs', message: 'must be a whole number of milliseconds' },
        { path: 'recheckMs', message: 'must be at least 10' },
      ],
    });
    expect(String((thrown as Error).message)).not.toContain('secret');
  });

  it('passes options left out, and refuses a missing options object', () => {
    expect(() =>
      fleetOptionChecks({ connection: {} }, 'test')
        .name('queueName')
        .integer('intervalMs', 'ms')
        .done(),
    ).not.toThrow();
    expect(() => fleetOptionChecks(undefined, 'test').done()).toThrow(/must be an options object/);
    expect(() => fleetOptionChecks({}, 'test').done()).toThrow(/connection/);
  });
});
