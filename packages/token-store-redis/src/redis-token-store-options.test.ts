import { AfilnetValidationError } from '@afilnet-chat/core';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createRedisTokenStore } from './create-redis-token-store.js';

// Never connects: option checks happen before any command.
const redis = new Redis({ lazyConnect: true, host: '127.0.0.1', port: 1 });
afterAll(() => redis.disconnect());

function configError(options: unknown): AfilnetValidationError {
  try {
    createRedisTokenStore(options as Parameters<typeof createRedisTokenStore>[0]);
  } catch (error) {
    if (error instanceof AfilnetValidationError) return error;
    throw error;
  }
  throw new Error('no error thrown');
}

describe('createRedisTokenStore options', () => {
  it('accepts an ioredis client and a 32-byte key', () => {
    expect(() =>
      createRedisTokenStore({ redis, encryptionKey: Buffer.alloc(32, 7) }),
    ).not.toThrow();
  });

  it('names an encryption key that is not 32 bytes, never its value', () => {
    const key = Buffer.from('0123456789abcdef0123456789abcdef-too-long');
    const error = configError({ redis, encryptionKey: key });
    expect(error.code).toBe('INVALID_CONFIG');
    expect(error.issues.map((i) => i.path)).toEqual(['encryptionKey']);
    const text = `${error.message} ${JSON.stringify(error)} ${error.stack}`;
    expect(text).not.toContain('0123456789abcdef');
    expect(text).not.toContain(key.toString('hex'));
    expect(text).not.toContain(key.toString('base64'));
  });

  it('names a redis option that is not a client', () => {
    for (const bad of [undefined, 'redis://127.0.0.1:6379', { get() {} }]) {
      const error = configError({ redis: bad, encryptionKey: Buffer.alloc(32, 7) });
      expect(error.code).toBe('INVALID_CONFIG');
      expect(error.issues.map((i) => i.path)).toEqual(['redis']);
      expect(error.message).not.toContain('6379');
    }
  });

  it('refuses a store without an encryption key, naming the option, unless unauthenticated values are allowed', () => {
    const error = configError({ redis });
    expect(error.code).toBe('INVALID_CONFIG');
    expect(error.issues.map((i) => i.path)).toEqual(['encryptionKey']);
    expect(error.message).toContain('allowUnauthenticated');
    expect(configError({ redis, allowUnauthenticated: false }).issues.map((i) => i.path)).toEqual([
      'encryptionKey',
    ]);
    expect(() => createRedisTokenStore({ redis, allowUnauthenticated: true })).not.toThrow();
  });

  it('lists every problem, unknown options included by name', () => {
    const error = configError({ redis: null, encryptionKey: 'x', lockTtlMs: -1, extra: true });
    expect(error.issues.map((i) => i.path).sort()).toEqual([
      'encryptionKey',
      'extra',
      'lockTtlMs',
      'redis',
    ]);
  });
});
