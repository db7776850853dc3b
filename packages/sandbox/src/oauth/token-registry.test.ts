import { describe, expect, it } from 'vitest';
import { TokenRegistry } from './token-registry.js';

describe('TokenRegistry', () => {
  it('issues distinct tokens that open their own account', () => {
    const registry = new TokenRegistry(3600);
    const a = registry.issue('a@example.com');
    const b = registry.issue('b@example.com');
    expect(a.accessToken).not.toBe(b.accessToken);
    expect(a.expiresIn).toBe(3600);
    expect(registry.verify(a.accessToken)).toBe('a@example.com');
    expect(registry.verify(b.accessToken)).toBe('b@example.com');
    expect(registry.verify('made-up')).toBeUndefined();
  });

  it('refuses a token from the instant its lifetime ends', () => {
    let now = 0;
    const registry = new TokenRegistry(2, () => now);
    const { accessToken } = registry.issue('a@example.com');
    now = 1999;
    expect(registry.verify(accessToken)).toBe('a@example.com');
    now = 2000;
    expect(registry.verify(accessToken)).toBeUndefined();
  });

  it('revokes every token at once, and issues valid ones afterwards', () => {
    const registry = new TokenRegistry(3600);
    const old = registry.issue('a@example.com');
    registry.revokeAll();
    expect(registry.verify(old.accessToken)).toBeUndefined();
    expect(registry.verify(registry.issue('a@example.com').accessToken)).toBe('a@example.com');
  });
});
