import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configFromEnv } from '../client/client-from-env.js';
import type { Credentials } from '../transport/transport.js';
import { isCredentialRefusal } from './credential-refusal.js';
import { createSecretSource } from './secret-source.js';

describe('createSecretSource', () => {
  it('asks once for concurrent callers, keeps the answer, and asks again once after a refusal', async () => {
    let calls = 0;
    let password = 'one';
    const source = createSecretSource(async (): Promise<Credentials> => {
      calls++;
      await new Promise((resolve) => setTimeout(resolve, 5));
      return { user: 'u', password };
    }, undefined);
    const [a, b] = await Promise.all([source.current(), source.current()]);
    expect(a).toBe(b);
    expect(calls).toBe(1);
    expect(await source.current()).toBe(a);
    password = 'two';
    const renewed = await Promise.all([source.renew(a), source.renew(a), source.renew(a)]);
    expect(renewed).toEqual([true, true, true]);
    expect(calls).toBe(2);
    expect((await source.current()).credentials?.password).toBe('two');
    // Refused again with an unchanged answer: no change to report.
    expect(await source.renew(await source.current())).toBe(false);
    expect(calls).toBe(3);
  });

  it('answers a sync client secret function, and keeps nothing when a provider throws', async () => {
    let fail = true;
    const source = createSecretSource({ user: 'u', password: 'p' }, () => {
      if (fail) throw new Error('vault unreachable');
      return 'secret';
    });
    await expect(source.current()).rejects.toMatchObject({ code: 'INVALID_CONFIG' });
    await expect(source.current()).rejects.toThrow(/The oauth.clientSecret provider failed/);
    fail = false;
    expect(await source.current()).toEqual({
      credentials: { user: 'u', password: 'p' },
      clientSecret: 'secret',
    });
  });
});

describe('isCredentialRefusal', () => {
  it('is INCORRECT_USER_PASSWORD and a token endpoint refusing the client, nothing else', () => {
    expect(isCredentialRefusal({ code: 'INCORRECT_USER_PASSWORD' })).toBe(true);
    expect(isCredentialRefusal({ code: 'TOKEN_ENDPOINT', oauthError: 'invalid_client' })).toBe(
      true,
    );
    expect(isCredentialRefusal({ code: 'TOKEN_ENDPOINT', httpStatus: 401 })).toBe(true);
    expect(isCredentialRefusal({ code: 'TOKEN_ENDPOINT', httpStatus: 503 })).toBe(false);
    expect(isCredentialRefusal({ code: 'UNAUTHORIZED' })).toBe(false);
    expect(isCredentialRefusal(new Error('x'))).toBe(false);
  });
});

describe('AFILNET_PASSWORD_FILE and AFILNET_CLIENT_SECRET_FILE', () => {
  it('are read at each ask, trailing newlines trimmed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'afilnet-secret-'));
    try {
      const passwordFile = join(dir, 'password');
      const secretFile = join(dir, 'secret');
      writeFileSync(passwordFile, 'first\r\n');
      writeFileSync(secretFile, 'client one\n\n');
      const config = configFromEnv({
        AFILNET_USER: 'u@example.com',
        AFILNET_PASSWORD_FILE: passwordFile,
        AFILNET_CLIENT_SECRET_FILE: secretFile,
      });
      const source = createSecretSource(config.credentials, config.oauth?.clientSecret);
      const first = await source.current();
      expect(first).toEqual({
        credentials: { user: 'u@example.com', password: 'first' },
        clientSecret: 'client one',
      });
      writeFileSync(passwordFile, 'second\n');
      expect(await source.renew(first)).toBe(true);
      expect((await source.current()).credentials?.password).toBe('second');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('set together with their value is INVALID_CONFIG naming both', () => {
    expect(() =>
      configFromEnv({
        AFILNET_PASSWORD: 'p',
        AFILNET_PASSWORD_FILE: '/run/secrets/p',
        AFILNET_CLIENT_SECRET: 's',
        AFILNET_CLIENT_SECRET_FILE: '/x',
      }),
    ).toThrow(
      /AFILNET_PASSWORD_FILE: must not be set together with AFILNET_PASSWORD.*AFILNET_CLIENT_SECRET_FILE: must not be set together with AFILNET_CLIENT_SECRET/,
    );
  });
});
