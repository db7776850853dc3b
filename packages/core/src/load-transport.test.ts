import { afterEach, describe, expect, it, vi } from 'vitest';
import { AfilnetValidationError } from './errors.js';
import { installCommand, loadTransport } from './load-transport.js';
import { DEFAULT_PATHS } from './transport.js';

const options = { baseUrl: 'https://x.test', paths: DEFAULT_PATHS, basic: {}, soap: {}, oauth: {}, allowInsecureHttp: false };

describe('loadTransport', () => {
  it('imports the package by its name and calls its factory', async () => {
    const seen: string[] = [];
    const transport = await loadTransport('soap', options, async (specifier) => {
      seen.push(specifier);
      return { createSoapTransport: () => ({ name: 'soap', security: 'medium-high', send: async () => undefined }) };
    });
    expect(seen).toEqual(['@afilnet-chat/transport-soap']);
    expect(transport.name).toBe('soap');
  });

  it('names the package to install when it cannot be found', async () => {
    const missing = Object.assign(new Error("Cannot find package '@afilnet-chat/transport-basic' imported from x"), {
      code: 'ERR_MODULE_NOT_FOUND',
    });
    const error = await loadTransport('basic', options, async () => {
      throw missing;
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AfilnetValidationError);
    expect(error).toMatchObject({ code: 'TRANSPORT_NOT_INSTALLED' });
    expect((error as Error).message).toContain('@afilnet-chat/transport-basic');
  });

  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('names the install command of the package manager in use, npm when none is known', async () => {
    const missing = () =>
      Promise.reject(Object.assign(new Error("Cannot find package '@afilnet-chat/transport-basic'"), { code: 'ERR_MODULE_NOT_FOUND' }));
    const messageUnder = async (userAgent: string | undefined) => {
      vi.stubEnv('npm_config_user_agent', userAgent);
      return ((await loadTransport('basic', options, missing).catch((e: unknown) => e)) as Error).message;
    };
    expect(await messageUnder(undefined)).toContain('(npm install @afilnet-chat/transport-basic)');
    expect(await messageUnder('npm/10.8.2 node/v20.19.0 linux x64 workspaces/false')).toContain('(npm install @afilnet-chat/transport-basic)');
    expect(await messageUnder('pnpm/10.34.9 npm/? node/v20.19.0 linux x64')).toContain('(pnpm add @afilnet-chat/transport-basic)');
    expect(installCommand('p', 'yarn/1.22.22 npm/? node/v20.19.0 linux x64')).toBe('yarn add p');
    expect(installCommand('p', 'bun/1.2.0 npm/? node/v22.6.0 linux x64')).toBe('bun add p');
    expect(installCommand('p', 'unknown/1.0')).toBe('npm install p');
  });

  it('calls a package without the factory not installed, and rethrows unrelated failures', async () => {
    await expect(loadTransport('get', options, async () => ({}))).rejects.toMatchObject({ code: 'TRANSPORT_NOT_INSTALLED' });
    const broken = new SyntaxError('Unexpected token');
    await expect(loadTransport('get', options, async () => Promise.reject(broken))).rejects.toBe(broken);
  });
});

describe('loadTransport with a registered transport', () => {
  it('uses the registered factory and imports nothing', async () => {
    const { registerTransport } = await import('./transport-registry.js');
    registerTransport('post', () => ({ name: 'post', security: 'medium', send: async () => undefined as never }));
    const transport = await loadTransport('post', options, async () => {
      throw new Error('nothing should be imported');
    });
    expect(transport.name).toBe('post');
  });
});
