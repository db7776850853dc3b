/**
 * The packages as users install them (docs/behaviour.md#packaging): every publishable package is packed, the tarballs
 * are checked (contents, publint, attw) and installed with npm into a project outside the
 * workspace, and that project's ESM, CommonJS, TypeScript, esbuild-bundled, Bun and Deno
 * consumers run against a sandbox, as do the examples of examples/, each as a user runs it. Packing and installing happen once, shared by every consumer.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, normalize } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { publint } from 'publint';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '@afilnet-chat/sandbox';
import { startRedisServer, type RedisServer } from '../scripts/redis-server.mjs';
import {
  ROOT,
  childEnv,
  ensureRuntimes,
  installConsumer,
  packWorkspace,
} from './support/consumer-project.js';
import { EXAMPLES, printedInOrder, runExample } from './support/examples.js';

const run = promisify(execFile);
const work = mkdtempSync(join(tmpdir(), 'afilnet-consumer-'));
const project = join(work, 'app');
const TRANSPORTS = ['get', 'post', 'basic', 'soap', 'json-oauth'];

interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
  private?: boolean;
  bin?: Record<string, string>;
  exports?: Record<string, unknown>;
  files?: string[];
  repository?: { url?: string; directory?: string };
  publishConfig?: { access?: string };
  engines?: { node?: string };
}

let tarballs: { file: string; manifest: Manifest; entries: string[] }[] = [];
let runtimes: { bun: string; deno: string };
let sandbox: Sandbox;
let redis: RedisServer;
let tag = 0;
/** The standard error of the last consumer run. */
let lastStderr = '';

beforeAll(async () => {
  const packing = packWorkspace(join(work, 'packs')).then(async (files) => {
    await installConsumer(project, files);
    return files;
  });
  const [files, installed, started, redisServer] = await Promise.all([
    packing,
    ensureRuntimes(),
    startSandbox(),
    startRedisServer(),
  ]);
  runtimes = installed;
  sandbox = started;
  redis = redisServer;
  tarballs = files.map((file) => ({
    file,
    manifest: JSON.parse(
      execFileSync('tar', ['-xzOf', file, 'package/package.json'], { encoding: 'utf8' }),
    ) as Manifest,
    entries: execFileSync('tar', ['-tzf', file], { encoding: 'utf8' }).split('\n').filter(Boolean),
  }));
}, 300_000);

afterAll(async () => {
  await Promise.all([sandbox?.close(), redis?.stop()]);
  rmSync(work, { recursive: true, force: true });
});

/** The workspace's packages, read from packages/. */
function workspaceManifests(): Manifest[] {
  return readdirSync(join(ROOT, 'packages')).map(
    (dir) =>
      JSON.parse(readFileSync(join(ROOT, 'packages', dir, 'package.json'), 'utf8')) as Manifest,
  );
}

/** Runs a consumer with a fresh conversation tag; answers its last output line, parsed. */
async function consume(
  command: string,
  args: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
) {
  tag += 1;
  const { stdout, stderr } = await run(command, args, {
    cwd: options.cwd ?? project,
    env: childEnv({ AFILNET_SANDBOX_URL: sandbox.url, CONSUMER_TAG: String(tag), ...options.env }),
    timeout: 90_000,
  });
  lastStderr = stderr;
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as {
    runtime?: string;
    results?: unknown[];
    loaded?: [string, number][];
  };
}

/** What the shared exercise reports for a transport that ran every method. */
const worked = (transport: string) => ({
  transport,
  channels: 4,
  chatFound: true,
  messages: 2,
  unread: 0,
  refused: 'AfilnetValidationError INVALID_PARAMS true',
});

describe('the tarballs', () => {
  it('pack every publishable workspace package', () => {
    const expected = workspaceManifests()
      .filter((m) => m.private !== true)
      .map((m) => m.name)
      .sort();
    expect(tarballs.map((t) => t.manifest.name).sort()).toEqual(expected);
  });

  it('hold dist (JS, .d.ts, maps), README, LICENSE, what bin and exports name, the files `files` names one by one, and nothing else', () => {
    for (const { manifest, entries } of tarballs) {
      // A file (not a folder or pattern) that `files` names one by one, such as the sandbox's page.
      const listed = (manifest.files ?? [])
        .filter((path) => /^[\w-]+(\/[\w-]+)*\.\w+$/.test(path))
        .map((path) => `package/${path}`);
      expect(entries, manifest.name).toEqual(expect.arrayContaining(listed));
      const named = [
        ...Object.values(manifest.bin ?? {}),
        ...Object.values(manifest.exports ?? {}).filter((v) => typeof v === 'string'),
      ]
        .map((path) => `package/${path.replace(/^\.\//, '')}`)
        .concat(listed);
      const stray = entries.filter(
        (entry) =>
          !['package/package.json', 'package/README.md', 'package/LICENSE', ...named].includes(
            entry,
          ) && !/^package\/dist\/.+\.(js|d\.ts|js\.map|d\.ts\.map)$/.test(entry),
      );
      expect(stray, manifest.name).toEqual([]);
      for (const ending of ['.js', '.d.ts', '.js.map']) {
        expect(
          entries.some((e) => e.startsWith('package/dist/') && e.endsWith(ending)),
          `${manifest.name} ${ending}`,
        ).toBe(true);
      }
      expect(
        entries.filter((e) => /\.tsbuildinfo$|\.test\.|\/src\//.test(e)),
        manifest.name,
      ).toEqual([]);
      expect(entries, manifest.name).toEqual(
        expect.arrayContaining(['package/README.md', 'package/LICENSE']),
      );
    }
  });

  it("core inlines the part of zod it uses: no zod dependency, no declaration reaching zod, zod's notice kept", () => {
    const core = tarballs.find((t) => t.manifest.name === '@afilnet-chat/core');
    expect(core?.manifest.dependencies ?? {}).not.toHaveProperty('zod');
    const installed = join(project, 'node_modules/@afilnet-chat/core');
    const entries = Object.values(core?.manifest.exports ?? {}).flatMap((v) =>
      typeof v === 'object' && v !== null && 'types' in v ? [join(installed, String(v.types))] : [],
    );
    expect(entries.length).toBeGreaterThan(0);
    const reached = new Set<string>();
    const importing = /(?:from|import\()\s*['"]([^'"]+)['"]/g;
    for (const queue = [...entries]; queue.length > 0; ) {
      const file = queue.pop() as string;
      if (reached.has(file)) continue;
      reached.add(file);
      for (const [, specifier = ''] of readFileSync(file, 'utf8').matchAll(importing)) {
        expect(specifier, file).not.toMatch(/^zod(\/|$)/);
        if (specifier.startsWith('.'))
          queue.push(normalize(join(dirname(file), specifier.replace(/\.js$/, '.d.ts'))));
      }
    }
    expect(readFileSync(join(installed, 'LICENSE'), 'utf8')).toContain(
      'Copyright (c) 2025 Colin McDonnell',
    );
  });

  it('have a complete package.json: repository, public access, engines, no workspace: ranges', () => {
    for (const { file, manifest } of tarballs) {
      expect(manifest.repository?.url, manifest.name).toMatch(/^git\+https:\/\//);
      expect(manifest.repository?.directory, manifest.name).toMatch(/^packages\//);
      expect(manifest.publishConfig?.access, manifest.name).toBe('public');
      expect(manifest.engines?.node, manifest.name).toBe('^20.19.0 || >=22.12.0');
      expect(
        execFileSync('tar', ['-xzOf', file, 'package/package.json'], { encoding: 'utf8' }),
      ).not.toContain('workspace:');
    }
  });

  it('publint reports nothing', async () => {
    for (const { file, manifest } of tarballs) {
      const data = readFileSync(file);
      const tarball = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength);
      const { messages } = await publint({ pack: { tarball }, level: 'suggestion' });
      expect(messages, manifest.name).toEqual([]);
    }
  });

  it('@arethetypeswrong/cli reports no problem (esm-only profile: CommonJS is served by require(esm))', async () => {
    const attw = join(ROOT, 'node_modules/@arethetypeswrong/cli/dist/index.js');
    // Two at a time, one per core: each run loads its own TypeScript.
    const queue = [...tarballs];
    const lane = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const { file, manifest } = next;
        // The WSDL is a data file, not a module: it has no types to check.
        const dataFiles = Object.keys(manifest.exports ?? {}).filter((key) =>
          key.endsWith('.wsdl'),
        );
        const args = [
          attw,
          file,
          '--profile',
          'esm-only',
          '--no-definitely-typed',
          '--format',
          'ascii',
          '--no-color',
        ];
        const result = await run(
          process.execPath,
          dataFiles.length > 0 ? [...args, '--exclude-entrypoints', ...dataFiles] : args,
        ).then(
          () => 'no problem',
          (error: { stdout?: string }) => error.stdout ?? String(error),
        );
        expect(result, manifest.name).toBe('no problem');
      }
    };
    await Promise.all([lane(), lane()]);
  }, 180_000);
});

describe('consumers of the installed packages, against a sandbox', () => {
  it('ESM: import, every transport loaded by name on demand', async () => {
    const output = await consume(process.execPath, ['app.mjs']);
    expect(output).toEqual({ runtime: 'node', results: TRANSPORTS.map(worked) });
  }, 120_000);

  it('CommonJS: require() of every package, then every transport by name', async () => {
    const names = tarballs.map((t) => t.manifest.name);
    const output = await consume(process.execPath, ['app.cjs'], {
      env: { CONSUMER_PACKAGES: JSON.stringify(names) },
    });
    expect(output.results).toEqual(TRANSPORTS.map(worked));
    expect(output.loaded?.map(([name]) => name)).toEqual(names);
    for (const [name, exportCount] of output.loaded ?? [])
      expect(exportCount, name).toBeGreaterThan(0);
  }, 120_000);

  it('TypeScript: nodenext ESM and CommonJS compile and run, moduleResolution bundler type-checks', async () => {
    const compilerOptions = {
      target: 'es2022',
      strict: true,
      skipLibCheck: true,
      types: ['node'],
      outDir: 'out',
    };
    const configs = {
      'tsconfig.esm.json': {
        compilerOptions: { ...compilerOptions, module: 'nodenext' },
        files: ['typed.mts'],
      },
      'tsconfig.cjs.json': {
        compilerOptions: { ...compilerOptions, module: 'nodenext' },
        files: ['typed.cts'],
      },
      'tsconfig.bundler.json': {
        compilerOptions: {
          ...compilerOptions,
          module: 'esnext',
          moduleResolution: 'bundler',
          noEmit: true,
        },
        files: ['typed.mts'],
      },
    };
    for (const [name, config] of Object.entries(configs)) {
      execFileSync('sh', ['-c', `cat > ${name}`], { cwd: project, input: JSON.stringify(config) });
    }
    const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
    // One compiler process for the three projects: most of the time goes to reading the libraries.
    await run(process.execPath, [tsc, '-b', ...Object.keys(configs)], { cwd: project }).catch(
      (error: { stdout?: string }) => {
        throw new Error(`tsc failed:\n${error.stdout ?? String(error)}`);
      },
    );
    const expected = { channels: 4, refused: 'INVALID_PARAMS' };
    expect(await consume(process.execPath, ['out/typed.mjs'])).toEqual(expected);
    expect(await consume(process.execPath, ['out/typed.cjs'])).toEqual(expected);
  }, 180_000);

  it('esbuild bundles (ESM and CJS, minified) run alone: a transport named by string is carried by the bundle', async () => {
    const isolated = join(work, 'bundles');
    for (const format of ['esm', 'cjs'] as const) {
      const name = `bundled.${format === 'esm' ? 'mjs' : 'cjs'}`;
      for (const outdir of [isolated, join(project, 'bundles')]) {
        await build({
          entryPoints: [join(project, 'bundled.mjs')],
          bundle: true,
          platform: 'node',
          format,
          minify: true,
          outfile: join(outdir, name),
          logLevel: 'silent',
        });
      }
      // Outside any node_modules: the bundle alone, with the default executor (undici is bundled;
      // an ESM bundle without a require banner sends with fetch instead).
      const alone = await consume(process.execPath, [join(isolated, name)], { cwd: isolated });
      expect(alone.results, `${format} alone`).toEqual([worked('post')]);
      // Next to the app's node_modules.
      const beside = await consume(process.execPath, [join(project, 'bundles', name)]);
      expect(beside.results, `${format} with undici`).toEqual([worked('post')]);
    }
  }, 120_000);

  it('Bun runs every method through every transport with the default executor, on fetch, and says so', async () => {
    const output = await consume(runtimes.bun, ['app.mjs'], {
      env: { NODE_DEBUG: 'afilnet-chat' },
    });
    expect(output).toEqual({ runtime: 'bun', results: TRANSPORTS.map(worked) });
    expect(lastStderr).toContain("executor fetch: this runtime's undici is not Node's (Bun)");
  }, 120_000);

  it('Deno runs every method through every transport with the default executor', async () => {
    const output = await consume(runtimes.deno, ['run', '--allow-all', 'app.mjs'], {
      env: { DENO_NO_UPDATE_CHECK: '1' },
    });
    expect(output).toEqual({ runtime: 'deno', results: TRANSPORTS.map(worked) });
  }, 120_000);
});

describe('the examples, from the installed tarballs', () => {
  const examples = join(project, 'examples');

  it('type-check under strict with the installed declarations', async () => {
    const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
    await run(process.execPath, [tsc, '-p', join(examples, 'tsconfig.json')], {
      cwd: examples,
    }).catch((error: { stdout?: string }) => {
      throw new Error(`tsc failed:\n${error.stdout ?? String(error)}`);
    });
  }, 120_000);

  for (const example of EXAMPLES) {
    it(`${example.path} runs by itself`, async () => {
      const env = childEnv(example.redis ? { REDIS_URL: redis.url } : {});
      const result = await runExample(example, examples, join(project, 'node_modules'), env);
      expect(result.code, result.stderr).toBe(0);
      expect(printedInOrder(result.stdout, example.prints)).toEqual(
        example.prints.map((p) => expect.stringMatching(p)),
      );
    }, 120_000);
  }
});
