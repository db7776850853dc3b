/**
 * A self-contained bundle makes calls: an app that names its transport by string is bundled with
 * esbuild (`--bundle --platform=node`, minified, ESM and CJS) from the built packages into a
 * temporary folder with no `node_modules` above it, and runs against a sandbox with the default
 * executor. Core imports undici and each transport with literal specifiers, so the bundler
 * carries them; a CJS bundle runs undici itself, and an ESM bundle without a `require` for
 * undici's CommonJS code falls back to the global fetch and says so on `NODE_DEBUG`.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '@afilnet-chat/sandbox';
import { DEMO } from './support/account.js';

const run = promisify(execFile);
const HERE = fileURLToPath(new URL('.', import.meta.url));
const TRANSPORTS = ['get', 'post', 'basic', 'soap', 'json-oauth'];
const FALLBACK_LINE = 'executor fetch: undici could not be loaded';
/** esbuild's usual line for ESM bundles of CommonJS code that requires Node's built-ins. */
const REQUIRE_BANNER =
  "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);";

/** Every transport by name, each a read and a send; prints what came back as one JSON line. */
const APP = `
import { createChatClient } from '@afilnet-chat/core';
(async () => {
  const results = [];
  for (const [index, transport] of ${JSON.stringify(TRANSPORTS)}.entries()) {
    const chat = createChatClient({
      transport,
      baseUrl: process.env.AFILNET_SANDBOX_URL,
      credentials: ${JSON.stringify(DEMO)},
      allowInsecureHttp: true,
      retry: false,
    });
    try {
      const channels = await chat.getChatChannels();
      await chat.sendMessage({ platform: 'whatsapp', platformId: '100', destination: process.env.TAG + index, message: 'from a bundle' });
      results.push([transport, channels.length]);
    } finally {
      await chat.close();
    }
  }
  console.log(JSON.stringify(results));
})().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
`;

let sandbox: Sandbox;
const work = mkdtempSync(join(tmpdir(), 'afilnet-bundle-'));
let tag = 0;

beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => {
  await sandbox?.close();
  rmSync(work, { recursive: true, force: true });
});

/** Bundles the app into `work` and runs it there; answers its results and its debug output. */
async function bundleAndRun(
  format: 'esm' | 'cjs',
  banner?: string,
): Promise<{ results: unknown; stderr: string }> {
  tag += 1;
  const outfile = join(work, `app-${tag}.${format === 'esm' ? 'mjs' : 'cjs'}`);
  await build({
    // Resolved from the test folder, as an app in the workspace: the built packages and undici.
    stdin: { contents: APP, resolveDir: HERE, sourcefile: 'app.mjs', loader: 'js' },
    bundle: true,
    platform: 'node',
    format,
    minify: true,
    outfile,
    logLevel: 'silent',
    ...(banner === undefined ? {} : { banner: { js: banner } }),
  });
  const { stdout, stderr } = await run(process.execPath, [outfile], {
    cwd: work,
    env: {
      PATH: process.env.PATH,
      NODE_DEBUG: 'afilnet-chat',
      AFILNET_SANDBOX_URL: sandbox.url,
      TAG: `9${tag}`,
    },
    timeout: 60_000,
  });
  return { results: JSON.parse(stdout.trim().split('\n').at(-1) ?? ''), stderr };
}

const EVERY_TRANSPORT_WORKED = TRANSPORTS.map((transport) => [transport, expect.any(Number)]);

describe('an esbuild bundle with no node_modules beside it', () => {
  it('runs in a folder with no node_modules above it', () => {
    for (let dir = work; dir !== dirname(dir); dir = dirname(dir))
      expect(existsSync(join(dir, 'node_modules')), dir).toBe(false);
  });

  it('CJS, minified: every transport named by string makes real calls, on the bundled undici', async () => {
    const { results, stderr } = await bundleAndRun('cjs');
    expect(results).toEqual(EVERY_TRANSPORT_WORKED);
    expect(stderr).not.toContain(FALLBACK_LINE);
  }, 60_000);

  it('ESM, minified, with the usual require banner: every transport makes real calls, on the bundled undici', async () => {
    const { results, stderr } = await bundleAndRun('esm', REQUIRE_BANNER);
    expect(results).toEqual(EVERY_TRANSPORT_WORKED);
    expect(stderr).not.toContain(FALLBACK_LINE);
  }, 60_000);

  it('ESM, minified, without the banner: every transport makes real calls, on fetch, and the debug log says why', async () => {
    const { results, stderr } = await bundleAndRun('esm');
    expect(results).toEqual(EVERY_TRANSPORT_WORKED);
    expect(stderr).toContain(FALLBACK_LINE);
    expect(stderr).toContain('createRequire');
  }, 60_000);
});
