import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';

const ROOT = fileURLToPath(new URL('.', import.meta.url));

interface Manifest {
  readonly name: string;
  readonly exports?: Readonly<Record<string, string | { readonly default?: string }>>;
}

/** Every workspace package's manifest, with its folder under packages/. */
function workspacePackages(): { dir: string; manifest: Manifest }[] {
  return readdirSync(join(ROOT, 'packages'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) => {
      const dir = join(ROOT, 'packages', entry.name);
      try {
        return [
          {
            dir,
            manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest,
          },
        ];
      } catch {
        return [];
      }
    });
}

/**
 * Tests run against the TypeScript sources: each entry a package's `exports` names,
 * `./dist/X.js`, resolves to `./src/X.ts`. Entries that are not modules (the WSDL) resolve as
 * installed. Tests that start child processes use the built dist instead.
 */
function sourceAliases(): { find: RegExp; replacement: string }[] {
  return workspacePackages().flatMap(({ dir, manifest }) =>
    Object.entries(manifest.exports ?? {}).flatMap(([subpath, target]) => {
      const file = typeof target === 'string' ? target : target.default;
      const built = /^\.\/dist\/(.+)\.js$/.exec(file ?? '');
      if (built === null) return [];
      const specifier = `${manifest.name}${subpath.slice(1)}`.replace(
        /[.*+?^${}()|[\]\\/]/g,
        '\\$&',
      );
      return [
        { find: new RegExp(`^${specifier}$`), replacement: join(dir, 'src', `${built[1]}.ts`) },
      ];
    }),
  );
}

/**
 * Suites in test/ that open no socket, start no process and need no service: pure functions,
 * property agreements, files read from disk, and wire tests that intercept requests in-process
 * (nock, undici's MockAgent). They join the unit tier; every other suite in test/ is integration.
 */
const UNIT_SUITES_IN_TEST = [
  'test/result-decoding-agreement.test.ts',
  'test/sandbox-independence.test.ts',
  'test/soap-tolerance.test.ts',
  'test/validation.test.ts',
  'test/wire-matrix.test.ts',
  'test/workspace-graph.test.ts',
  'test/xml-reader-agreement.test.ts',
];

/**
 * The modules through which a suite gets a service the machine may lack: each installs it when
 * missing and the user is root, and otherwise throws with the command to run. A suite in test/
 * that imports one of them is a services suite.
 */
const SERVICE_MODULES = [
  'scripts/redis-server', // Debian's redis-server
  'scripts/prometheus-server', // Debian's prometheus
  'test/support/fleet-services', // Debian's redis-server, through scripts/redis-server
  'test/support/chromium', // Debian's chromium
  'test/support/consumer-project', // Bun and Deno from the npm registry
];

/** The suites in test/ that import a service module (relative specifiers, with or without extension). */
function serviceSuites(): string[] {
  const importing = /(?:from|import\()\s*['"](\.{1,2}\/[^'"]+)['"]/g;
  return readdirSync(join(ROOT, 'test'), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.test.ts'))
    .map((name) => join('test', name))
    .filter((suite) =>
      [...readFileSync(join(ROOT, suite), 'utf8').matchAll(importing)].some(
        ([, specifier = '']) => {
          const target = relative(ROOT, join(ROOT, dirname(suite), specifier)).replace(
            /\.(?:[mc]?[jt]s)$/,
            '',
          );
          return SERVICE_MODULES.includes(target);
        },
      ),
    );
}

const SERVICE_SUITES = serviceSuites();

export default defineConfig({
  resolve: { alias: sourceAliases() },
  test: {
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
    reporters: ['default', './test/support/summary-reporter.ts'],
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['packages/*/src/**/*.test.ts', ...UNIT_SUITES_IN_TEST] },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...UNIT_SUITES_IN_TEST, ...SERVICE_SUITES],
        },
      },
      {
        extends: true,
        test: {
          name: 'services',
          include: SERVICE_SUITES,
          // Installing Debian packages can take minutes on a fresh machine; as root it happens
          // once, here, before any services suite runs.
          globalSetup: ['./test/support/system-packages.setup.ts'],
        },
      },
    ],
  },
});
