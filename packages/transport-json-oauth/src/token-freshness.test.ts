import { describe, expect, it } from 'vitest';
import { isFresh, refreshAt } from './token-freshness.js';

const T0 = 1_700_000_000_000;
const token = (lifetimeSeconds?: number) => ({
  accessToken: 't',
  obtainedAt: T0,
  ...(lifetimeSeconds === undefined ? {} : { expiresAt: T0 + lifetimeSeconds * 1000 }),
});

describe('token freshness (60 s before expiry, or half the lifetime when shorter)', () => {
  it('renews an hour-long token 60 s before it expires', () => {
    expect(refreshAt(token(3600))).toBe(T0 + 3540_000);
    expect(isFresh(token(3600), T0 + 3539_999)).toBe(true);
    expect(isFresh(token(3600), T0 + 3540_000)).toBe(false);
  });

  it('renews a token living under two minutes at half its lifetime', () => {
    expect(refreshAt(token(100))).toBe(T0 + 50_000);
    expect(refreshAt(token(2))).toBe(T0 + 1000);
  });

  it('switches rules at a lifetime of exactly 120 s', () => {
    expect(refreshAt(token(120))).toBe(T0 + 60_000);
  });

  it('never treats a token of lifetime 0 as fresh', () => {
    expect(isFresh(token(0), T0)).toBe(false);
  });

  it('keeps a token without expires_in until the API refuses it', () => {
    expect(refreshAt(token())).toBe(Number.POSITIVE_INFINITY);
    expect(isFresh(token(), T0 + 10 * 365 * 86_400_000)).toBe(true);
  });
});
