import { describe, expect, it } from 'vitest';
import { parseChaosRules } from './chaos-rule.js';
import { ChaosRules, describeFault } from './chaos-rules.js';

describe('ChaosRules', () => {
  it('applies the first matching rule, times times, then lets requests through', () => {
    const chaos = new ChaosRules();
    chaos.set([
      { method: 'sendmessage', times: 2, fault: { status: 503 } },
      { flavour: 'soap', fault: { delayMs: 10 } },
    ]);
    expect(chaos.pick('post', 'sendmessage')).toEqual({ status: 503 });
    expect(chaos.pick('soap', 'sendmessage')).toEqual({ status: 503 });
    expect(chaos.pick('soap', 'sendmessage')).toEqual({ delayMs: 10 });
    expect(chaos.pick('post', 'sendmessage')).toBeUndefined();
    expect(chaos.pick('soap', 'getchats')).toEqual({ delayMs: 10 });
  });

  it('leaves the token endpoint alone unless a rule names it', () => {
    const chaos = new ChaosRules();
    chaos.set([{ fault: { status: 500 } }]);
    expect(chaos.pick('json-oauth', 'token')).toBeUndefined();
    chaos.set([{ method: 'token', fault: { status: 500 } }]);
    expect(chaos.pick('json-oauth', 'token')).toEqual({ status: 500 });
    expect(chaos.pick('json-oauth', 'sendmessage')).toBeUndefined();
  });

  it('draws probability from its random source, and a miss does not use up a time', () => {
    const draws = [0.9, 0.1, 0.3];
    const chaos = new ChaosRules(() => draws.shift() ?? 1);
    chaos.set([{ probability: 0.5, times: 1, fault: { reset: 'after-commit' } }]);
    expect(chaos.pick('get', 'getchats')).toBeUndefined();
    expect(chaos.pick('get', 'getchats')).toEqual({ reset: 'after-commit' });
    expect(chaos.pick('get', 'getchats')).toBeUndefined();
  });

  it('describes each fault for the request log', () => {
    expect(describeFault({ status: 429, retryAfterSeconds: 2 })).toBe(
      'status 429, Retry-After 2 s',
    );
    expect(describeFault({ status: 500 })).toBe('status 500');
    expect(describeFault({ delayMs: 250 })).toBe('delay 250 ms');
    expect(describeFault({ reset: 'before-commit' })).toBe('reset before-commit');
    expect(describeFault({ expireTokens: true })).toBe('expire tokens');
  });
});

describe('parseChaosRules', () => {
  it('accepts every fault kind: status, delay, reset before or after commit, token expiry', () => {
    const rules = [
      {
        method: 'sendmessage',
        flavour: 'json-oauth',
        times: 1,
        probability: 0.5,
        fault: { status: 429, retryAfterSeconds: 1 },
      },
      { fault: { status: 500 } },
      { fault: { status: 503 } },
      { fault: { delayMs: 0 } },
      { fault: { reset: 'before-commit' } },
      { fault: { reset: 'after-commit' } },
      { fault: { expireTokens: true } },
    ];
    expect(parseChaosRules(rules)).toEqual({ ok: true, rules });
    expect(parseChaosRules([])).toEqual({ ok: true, rules: [] });
  });

  it('names every field in error', () => {
    const parsed = parseChaosRules([
      { fault: { status: 502 } },
      { method: 'x', fault: { delayMs: -1 } },
    ]);
    expect(parsed.ok).toBe(false);
    const message = parsed.ok ? '' : parsed.message;
    expect(message).toMatch(/\[0\]\.fault/);
    expect(message).toMatch(/\[1\]\.method/);
    expect(message).toMatch(/\[1\]\.fault/);
  });
});
