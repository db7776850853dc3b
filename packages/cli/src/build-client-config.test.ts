import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { buildClientConfig } from './build-client-config.js';
import type { CliIo } from './cli-io.js';
import { CliUsageError } from './cli-usage-error.js';

function io(env: Record<string, string>, stdin: string | string[] = '', isTTY = false): CliIo {
  const stream = Object.assign(Readable.from(Array.isArray(stdin) ? stdin : [stdin]), { isTTY });
  return {
    env,
    stdin: stream,
    write: () => {},
    writeError: () => {},
    stopSignal: () => new AbortController().signal,
  };
}

const ENV = {
  AFILNET_TRANSPORT: 'get',
  AFILNET_USER: 'env@example.com',
  AFILNET_PASSWORD: 'env-password',
  AFILNET_TIMEOUT_MS: '5000',
};

describe('buildClientConfig', () => {
  it('takes the environment, with the options winning', async () => {
    const { config, secrets } = await buildClientConfig(
      {
        transport: 'soap',
        'base-url': 'http://127.0.0.1:1',
        'min-security': 'medium',
        timeout: '250',
        'allow-insecure-http': true,
        user: 'flag@example.com',
      },
      io(ENV),
    );
    expect(config).toMatchObject({
      transport: 'soap',
      baseUrl: 'http://127.0.0.1:1',
      minimumSecurity: 'medium',
      timeoutMs: 250,
      allowInsecureHttp: true,
      credentials: { user: 'flag@example.com', password: 'env-password' },
    });
    expect(secrets).toContain('env-password');
  });

  it('reads the password from standard input, without one trailing line break', async () => {
    const { config, secrets } = await buildClientConfig(
      { 'password-stdin': true },
      io(ENV, ['pipe-pass', 'word\r\n']),
    );
    expect(config.credentials).toEqual({ user: 'env@example.com', password: 'pipe-password' });
    expect(secrets).toContain('pipe-password');
    expect(secrets).toContain(Buffer.from('env@example.com:pipe-password').toString('base64'));
  });

  it('refuses a terminal, an empty pipe and a bad timeout', async () => {
    await expect(buildClientConfig({ 'password-stdin': true }, io(ENV, 'x', true))).rejects.toThrow(
      CliUsageError,
    );
    await expect(buildClientConfig({ 'password-stdin': true }, io(ENV, '\n'))).rejects.toThrow(
      /empty password/,
    );
    await expect(buildClientConfig({ timeout: '1.5' }, io(ENV))).rejects.toThrow(/--timeout/);
    await expect(buildClientConfig({ timeout: '0' }, io(ENV))).rejects.toThrow(/--timeout/);
  });

  it('keeps the OAuth client secret among the secrets', async () => {
    const { secrets } = await buildClientConfig(
      {},
      io({ ...ENV, AFILNET_CLIENT_SECRET: 'client-secret-value' }),
    );
    expect(secrets).toContain('client-secret-value');
  });
});
