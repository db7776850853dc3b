/**
 * The CLI honours `HTTPS_PROXY` / `HTTP_PROXY` / `NO_PROXY` (docs/behaviour.md#cli): with a real forward
 * proxy on 127.0.0.1, a command's requests go through it, and not when `NO_PROXY` covers the
 * API's host. The built binary runs as a child process.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '@afilnet-chat/sandbox';
import { CLI_ACCOUNT, accountEnv, runCli } from './support/cli-process.js';
import { startForwardProxy, type ForwardProxy } from './support/forward-proxy.js';

let sandbox: Sandbox;
let proxy: ForwardProxy;
beforeAll(async () => {
  sandbox = await startSandbox({ accounts: [CLI_ACCOUNT] });
  proxy = await startForwardProxy();
});
afterAll(async () => {
  await proxy.close();
  await sandbox.close();
});

const envFor = (transport: string, extra: Record<string, string>) =>
  accountEnv(sandbox.url, transport, extra);

describe('afilnet-chat behind a proxy', { timeout: 60_000 }, () => {
  const apiHost = () => new URL(sandbox.url).host;

  // The sandbox speaks http://, which HTTP_PROXY covers (HTTPS_PROXY is for https:// URLs, as with curl).
  it.each(['HTTP_PROXY', 'http_proxy'])(
    '%s: the command reaches the API through the proxy',
    async (variable) => {
      proxy.seen.length = 0;
      const env = envFor('json-oauth', { [variable]: proxy.url });
      const { code, stdout } = await runCli(['channels', '--json'], { env });
      expect(code).toBe(0);
      expect(JSON.parse(stdout)).toHaveLength(CLI_ACCOUNT.channels.length);
      expect(proxy.seen.length, 'requests through the proxy').toBeGreaterThan(0);
      expect(proxy.seen.every((line) => line.includes(apiHost()))).toBe(true);
    },
  );

  it('HTTPS_PROXY alone leaves http:// requests direct', async () => {
    proxy.seen.length = 0;
    const { code } = await runCli(['channels', '--json'], {
      env: envFor('post', { HTTPS_PROXY: proxy.url }),
    });
    expect(code).toBe(0);
    expect(proxy.seen).toEqual([]);
  });

  it('NO_PROXY covering the host sends directly', async () => {
    proxy.seen.length = 0;
    const env = envFor('post', { HTTP_PROXY: proxy.url, NO_PROXY: '127.0.0.1' });
    const { code } = await runCli(['channels', '--json'], { env });
    expect(code).toBe(0);
    expect(proxy.seen).toEqual([]);
  });
});
