/**
 * Loading on demand (docs/behaviour.md#transports): importing core and one transport, and using it, loads no other
 * transport, nor the sandbox or the CLI; a missing transport package is TRANSPORT_NOT_INSTALLED
 * on the first call. Runs the built packages in a child process, as an application would.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const hooks = fileURLToPath(new URL('./support/register-import-hooks.mjs', import.meta.url));
const run = promisify(execFile);
const scratch = mkdtempSync(join(tmpdir(), 'afilnet-imports-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Starts a one-shot JSON server in the child, calls it through the named transport, prints the result. */
const APP = (transport: string) => `
import { createServer } from 'node:http';
import { createChatClient } from '@afilnet-chat/core';
const server = createServer((req, res) => {
  req.resume();
  res.setHeader('content-type', 'application/json');
  res.end('{"status":"success","result":[{"platformid":"1","platform":"webchat","name":"n"}]}');
}).listen(0, '127.0.0.1');
await new Promise((r) => server.once('listening', r));
const executor = process.env.AFILNET_TEST_EXECUTOR;
const chat = createChatClient({
  ...(executor ? { executor } : {}),
  transport: '${transport}',
  baseUrl: 'http://127.0.0.1:' + server.address().port,
  credentials: { user: 'u@example.com', password: 'p' },
  allowInsecureHttp: true,
});
if (process.env.AFILNET_TEST_REPORT_BEFORE_CALL) {
  const { readFileSync } = await import('node:fs');
  console.log(JSON.stringify(readFileSync(process.env.AFILNET_TEST_RECORD_FILE, 'utf8').split('\\n').filter(Boolean)));
}
try {
  console.log(JSON.stringify(await chat.getChatChannels()));
} catch (error) {
  console.log(JSON.stringify({ code: error.code, message: error.message }));
} finally {
  await chat.close();
  server.close();
}
`;

async function runApp(
  transport: string,
  env: Record<string, string>,
): Promise<{ stdout: string; loaded: string[] }> {
  const record = join(scratch, `${transport}-${Date.now()}.txt`);
  const { stdout } = await run(
    process.execPath,
    ['--import', hooks, '--input-type=module', '-e', APP(transport)],
    {
      cwd: root,
      env: { ...process.env, NODE_NO_WARNINGS: '1', AFILNET_TEST_RECORD_FILE: record, ...env },
    },
  );
  const loaded = existsSync(record) ? readFileSync(record, 'utf8').split('\n').filter(Boolean) : [];
  return { stdout: stdout.trim(), loaded };
}

describe('loading transports on demand (built packages)', () => {
  it('has the packages built', () => {
    expect(existsSync(join(root, 'packages/core/dist/index.js')), 'run `pnpm build` first').toBe(
      true,
    );
  });

  it('importing core and transport-post and calling through it loads nothing else of ours', async () => {
    const { stdout, loaded } = await runApp('post', {});
    expect(JSON.parse(stdout)).toEqual([{ platformId: '1', platform: 'webchat', name: 'n' }]);
    const ours = loaded.filter(
      (url) => url.includes('/packages/') || url.includes('@afilnet-chat'),
    );
    expect(ours.some((url) => url.includes('/transport-post/'))).toBe(true);
    expect(ours.some((url) => url.includes('/core/'))).toBe(true);
    for (const other of [
      'transport-get',
      'transport-basic',
      'transport-soap',
      'transport-json-oauth',
      'sandbox',
      'cli',
    ]) {
      expect(
        ours.filter((url) => url.includes(`/${other}/`)),
        other,
      ).toEqual([]);
    }
    for (const dependency of ['fast-xml-parser', 'oauth4webapi']) {
      expect(
        loaded.filter((url) => url.includes(dependency)),
        dependency,
      ).toEqual([]);
    }
  });

  it("loads core as a handful of bundled modules, with zod's part inlined and none of zod's own files", async () => {
    const { stdout, loaded } = await runApp('post', {});
    expect(JSON.parse(stdout)).toEqual([{ platformId: '1', platform: 'webchat', name: 'n' }]);
    // zod's own entry points load its ~50 locale modules, most of what importing core used to cost.
    expect(loaded.filter((url) => /\/zod\//.test(url))).toEqual([]);
    const core = [...new Set(loaded.filter((url) => url.includes('/packages/core/')))];
    expect(
      core.every((url) => /\/packages\/core\/dist\//.test(url)),
      core.join(' '),
    ).toBe(true);
    // One file per entry point imported (the root, and `./transport` through the transport) plus the
    // chunks esbuild splits out for code the four entry points share: a handful, where unbundled core
    // was ~50 modules. The start-up target itself (core + one transport ≤ 0.5× the afilnet package)
    // is measured by `pnpm bench:imports`.
    expect(core.length).toBeLessThanOrEqual(10);
    expect(core.some((url) => readFileSync(fileURLToPath(url), 'utf8').includes('$ZodType'))).toBe(
      true,
    );
  });

  it('a transport package that is not installed is TRANSPORT_NOT_INSTALLED on the first call, naming it', async () => {
    const { stdout } = await runApp('soap', {
      AFILNET_TEST_BLOCK_PACKAGE: '@afilnet-chat/transport-soap',
    });
    const result = JSON.parse(stdout) as { code: string; message: string };
    expect(result.code).toBe('TRANSPORT_NOT_INSTALLED');
    expect(result.message).toContain('@afilnet-chat/transport-soap');
  });

  it('loads undici with the first request of the default executor, and never with executor fetch', async () => {
    const undici = (urls: string[]) => urls.filter((url) => /\/undici\//.test(url));
    const byDefault = await runApp('post', { AFILNET_TEST_REPORT_BEFORE_CALL: '1' });
    const [beforeCall, result] = byDefault.stdout.split('\n');
    expect(
      undici(JSON.parse(beforeCall ?? '[]') as string[]),
      'at import and construction',
    ).toEqual([]);
    expect(JSON.parse(result ?? '')).toEqual([{ platformId: '1', platform: 'webchat', name: 'n' }]);
    expect(undici(byDefault.loaded).length, 'after the first request').toBeGreaterThan(0);

    const onFetch = await runApp('post', { AFILNET_TEST_EXECUTOR: 'fetch' });
    expect(JSON.parse(onFetch.stdout)).toEqual([
      { platformId: '1', platform: 'webchat', name: 'n' },
    ]);
    expect(undici(onFetch.loaded)).toEqual([]);
  });

  it('loads @opentelemetry/api with the first call when installed, never at import, and calls without it when absent', async () => {
    const otel = (urls: string[]) => urls.filter((url) => url.includes('@opentelemetry'));
    const installed = await runApp('post', { AFILNET_TEST_REPORT_BEFORE_CALL: '1' });
    const [beforeCall, result] = installed.stdout.split('\n');
    expect(otel(JSON.parse(beforeCall ?? '[]') as string[]), 'at import and construction').toEqual(
      [],
    );
    expect(JSON.parse(result ?? '')).toEqual([{ platformId: '1', platform: 'webchat', name: 'n' }]);
    expect(otel(installed.loaded).length, 'with the first call').toBeGreaterThan(0);

    // Not installed: the call works and nothing of OpenTelemetry is loaded.
    const absent = await runApp('post', { AFILNET_TEST_BLOCK_PACKAGE: '@opentelemetry/api' });
    expect(JSON.parse(absent.stdout)).toEqual([
      { platformId: '1', platform: 'webchat', name: 'n' },
    ]);
    expect(otel(absent.loaded)).toEqual([]);
  });

  it('the CLI prints --help without loading undici, zod, the client or any transport', async () => {
    const record = join(scratch, `cli-help-${Date.now()}.txt`);
    const bin = join(root, 'packages/cli/bin/afilnet-chat.js');
    const { stdout } = await run(process.execPath, ['--import', hooks, bin, '--help'], {
      cwd: root,
      env: { ...process.env, NODE_NO_WARNINGS: '1', AFILNET_TEST_RECORD_FILE: record },
    });
    expect(stdout).toContain('Usage: afilnet-chat');
    const loaded = readFileSync(record, 'utf8').split('\n').filter(Boolean);
    expect(
      loaded.filter((url) =>
        /\/(undici|zod)\/|\/transport-|\/sandbox\/|\/core\/dist\/(index|transport-kit)\.js/.test(
          url,
        ),
      ),
    ).toEqual([]);
    // zod is inlined in core's bundle: no core module --help loads may hold it, nor the client.
    for (const url of loaded.filter((u) => u.includes('/packages/core/'))) {
      expect(readFileSync(fileURLToPath(url), 'utf8'), url).not.toMatch(
        /\$ZodType|function createChatClient/,
      );
    }
  });
});
