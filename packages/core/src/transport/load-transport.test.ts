import { afterEach, describe, expect, it, vi } from 'vitest';
import { createChatClient } from '../client/client.js';
import { AfilnetValidationError } from '../errors/errors.js';
import { builtInTransport, installCommand, type FactoryLoader } from './load-transport.js';
import type { TransportName } from './built-in-transports.js';
import { DEFAULT_PATHS, type ChatTransport } from './transport.js';
import type { TransportDefinition, TransportFactoryOptions } from './options.js';

const options = {
  baseUrl: 'https://x.test',
  paths: DEFAULT_PATHS,
  basic: {},
  soap: {},
  oauth: {},
  allowInsecureHttp: false,
};
const credentials = { user: 'u@example.com', password: 'not-a-real-password' };

/** Loaders that fail the test if any transport but `only` is imported. */
function loaders(only: TransportName, load: FactoryLoader): Record<TransportName, FactoryLoader> {
  const refuse: FactoryLoader = async () => {
    throw new Error('another transport was imported');
  };
  return {
    get: refuse,
    post: refuse,
    basic: refuse,
    soap: refuse,
    'json-oauth': refuse,
    [only]: load,
  };
}

describe('builtInTransport', () => {
  it('is rated from the one table, and imports only its own package, at first use', async () => {
    let imported = 0;
    const definition = builtInTransport(
      'soap',
      loaders('soap', async () => {
        imported++;
        return () => ({
          name: 'soap',
          security: 'medium-high',
          send: async () => undefined as never,
        });
      }),
    );
    expect(definition).toMatchObject({ name: 'soap', security: 'medium-high' });
    expect(imported).toBe(0);
    expect((await definition.create(options)).name).toBe('soap');
    expect(imported).toBe(1);
  });

  it('is TRANSPORT_NOT_INSTALLED, naming the package, when the package exports no factory', async () => {
    const error = await Promise.resolve(
      builtInTransport(
        'basic',
        loaders('basic', async () => undefined),
      ).create(options),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AfilnetValidationError);
    expect(error).toMatchObject({ code: 'TRANSPORT_NOT_INSTALLED' });
    expect((error as Error).message).toContain('@afilnet-chat/transport-basic');
  });

  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('names the install command of the package manager in use, npm when none is known', async () => {
    const messageUnder = async (userAgent: string | undefined) => {
      vi.stubEnv('npm_config_user_agent', userAgent);
      const definition = builtInTransport(
        'basic',
        loaders('basic', async () => undefined),
      );
      return ((await Promise.resolve(definition.create(options)).catch((e: unknown) => e)) as Error)
        .message;
    };
    expect(await messageUnder(undefined)).toContain('(npm install @afilnet-chat/transport-basic)');
    expect(await messageUnder('npm/10.8.2 node/v20.19.0 linux x64 workspaces/false')).toContain(
      '(npm install @afilnet-chat/transport-basic)',
    );
    expect(await messageUnder('pnpm/10.34.9 npm/? node/v20.19.0 linux x64')).toContain(
      '(pnpm add @afilnet-chat/transport-basic)',
    );
    expect(installCommand('p', 'yarn/1.22.22 npm/? node/v20.19.0 linux x64')).toBe('yarn add p');
    expect(installCommand('p', 'bun/1.2.0 npm/? node/v22.6.0 linux x64')).toBe('bun add p');
    expect(installCommand('p', 'unknown/1.0')).toBe('npm install p');
  });

  it('imports the real package by its literal specifier and calls its factory', async () => {
    const transport = await builtInTransport('post').create({ ...options, credentials });
    expect(transport).toMatchObject({ name: 'post', security: 'medium' });
  });
});

describe('a transport of your own, passed as a definition', () => {
  function fax(built: TransportFactoryOptions[]): TransportDefinition {
    return {
      name: 'fax',
      security: 'medium',
      create(factoryOptions): ChatTransport {
        built.push(factoryOptions);
        return {
          name: 'fax',
          security: 'medium',
          send: async () => ({
            httpStatus: 200,
            payload: { kind: 'envelope', value: { status: 'success', result: [] } },
          }),
        };
      },
    };
  }

  it('is built once, at the first call, from the validated options, and named by its definition', async () => {
    const built: TransportFactoryOptions[] = [];
    const client = createChatClient({
      transport: fax(built),
      credentials,
      baseUrl: 'https://fax.test',
    });
    expect(client).toMatchObject({ transportName: 'fax', security: 'medium' });
    expect(built).toEqual([]);
    expect(await client.getChatChannels()).toEqual([]);
    expect(await client.getChatChannels()).toEqual([]);
    expect(built).toHaveLength(1);
    expect(built[0]).toMatchObject({ baseUrl: 'https://fax.test', credentials });
    await client.close();
  });

  it('is held to minimumSecurity when the client is made', () => {
    expect(() =>
      createChatClient({ transport: fax([]), credentials, minimumSecurity: 'high' }),
    ).toThrow(expect.objectContaining({ code: 'SECURITY_BELOW_MINIMUM' }));
  });

  it('is refused without a factory or a rating, with the rule in the message', () => {
    expect(() =>
      createChatClient({ transport: { name: 'fax', security: 'medium' } as never, credentials }),
    ).toThrow(
      expect.objectContaining({
        code: 'INVALID_CONFIG',
        issues: [
          {
            path: 'transport',
            message:
              'must be an object with name, security and send() (a transport) or create() (a definition)',
          },
        ],
      }),
    );
  });
});
