/**
 * The consumer suite's set-up: the workspace's packages packed into tarballs and installed with
 * npm into a temporary project outside the workspace, as a user installs them, plus the Bun and
 * Deno binaries the npm registry ships. Only the npm registry is contacted.
 */
import { execFile } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The workspace's root. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const APPS = join(ROOT, 'test/consumer-apps');
const RUNTIME_PACKAGES = ['bun@1.4.5', 'deno@2.9.6'];
// Kept between runs, one folder per set of versions: the binaries are large.
const RUNTIMES = join(
  ROOT,
  'node_modules/.cache',
  `afilnet-chat-runtimes-${RUNTIME_PACKAGES.join('-')}`,
);

/** The environment for npm and the binaries: pnpm's own `npm_*` settings are not theirs. */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!/^npm_/i.test(key)) env[key] = value;
  return { ...env, NODE_NO_WARNINGS: '1', ...extra };
}

async function npmInstall(cwd: string, specs: readonly string[]): Promise<void> {
  await run(
    'npm',
    ['install', '--no-audit', '--no-fund', '--no-package-lock', '--prefer-offline', ...specs],
    {
      cwd,
      env: childEnv(),
      maxBuffer: 16 * 1024 * 1024,
    },
  );
}

/** Packs every publishable package into `dir` with `pnpm pack:all`'s script; answers the tarballs. */
export async function packWorkspace(dir: string): Promise<string[]> {
  const { stdout } = await run(
    process.execPath,
    [join(ROOT, 'scripts/pack-all.mjs'), '--out', dir],
    {
      cwd: ROOT,
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  return stdout.split('\n').filter((line) => line.endsWith('.tgz'));
}

// What the examples run with besides the packages (tsx, vitest) and import themselves (ioredis),
// at the workspace's own ranges.
const EXAMPLE_TOOLS = ['tsx', 'vitest', 'ioredis'];

/**
 * Installs the tarballs into a new project at `dir`, with @types/node for the TypeScript
 * consumers and what the examples need; the examples are copied to `dir/examples`.
 */
export async function installConsumer(dir: string, tarballs: readonly string[]): Promise<void> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: 'afilnet-chat-consumer', private: true }, null, 2)}\n`,
  );
  for (const file of readdirSync(APPS)) copyFileSync(join(APPS, file), join(dir, file));
  cpSync(join(ROOT, 'examples'), join(dir, 'examples'), { recursive: true });
  const ranges = (
    JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      devDependencies: Record<string, string>;
    }
  ).devDependencies;
  await npmInstall(dir, [
    ...tarballs,
    '@types/node@^20.19.0',
    ...EXAMPLE_TOOLS.map((name) => `${name}@${ranges[name]}`),
  ]);
}

/** The paths of the `bun` and `deno` executables, installed from the npm registry when missing. */
export async function ensureRuntimes(): Promise<{ bun: string; deno: string }> {
  const bin = (name: string) => join(RUNTIMES, 'node_modules/.bin', name);
  if (!existsSync(bin('bun')) || !existsSync(bin('deno'))) {
    mkdirSync(RUNTIMES, { recursive: true });
    writeFileSync(join(RUNTIMES, 'package.json'), '{"private":true}\n');
    await npmInstall(RUNTIMES, RUNTIME_PACKAGES);
  }
  return { bun: bin('bun'), deno: bin('deno') };
}
