import { describe, expect, it } from 'vitest';
import { fleetOptionChecks } from './check-options.js';

describe('fleetOptionChecks', () => {
  it('requires a connection, naming it without quoting a connection string', () => {
    for (const options of [{}, { connection: 'redis://user:s3cret@host:6379' }]) {
      const check = () => fleetOptionChecks(options, 'test').done();
      expect(check).toThrow(/Invalid test options/);
      try {
        check();
      } catch (error) {
        expect(error).toMatchObject({
          code: 'INVALID_CONFIG',
          issues: [{ path: 'connection', message: 'must be ioredis options or an ioredis client' }],
        });
        expect(JSON.stringify(error)).not.toContain('s3cret');
      }
    }
  });

  it('accepts ioredis options or a client, and refuses a missing options object', () => {
    expect(() =>
      fleetOptionChecks({ connection: { host: '127.0.0.1' } }, 'test').done(),
    ).not.toThrow();
    expect(() => fleetOptionChecks(undefined, 'test').done()).toThrow(/must be an options object/);
  });
});
