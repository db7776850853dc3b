import { describe, expect, it } from 'vitest';
import { NonceRegistry } from './nonce-registry.js';

describe('NonceRegistry', () => {
  it('refuses a nonce seen within the retention and accepts it after', () => {
    const nonces = new NonceRegistry(1000);
    expect(nonces.claim('a', 0)).toBe(true);
    expect(nonces.claim('a', 999)).toBe(false);
    expect(nonces.claim('b', 999)).toBe(true);
    expect(nonces.claim('a', 1000)).toBe(true);
  });
});
