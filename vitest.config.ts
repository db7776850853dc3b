import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const PACKAGES = [
  'core',
  'soap-xml',
  'transport-get',
  'transport-post',
  'transport-basic',
  'transport-soap',
  'transport-json-oauth',
  'token-store-redis',
  'bullmq',
  'sandbox',
  'cli',
];

// Tests run against the TypeScript sources; tests that start child processes use the built dist.
export default defineConfig({
  resolve: {
    alias: [
      {
        find: /^@afilnet-chat\/core\/transport$/,
        replacement: fileURLToPath(new URL('./packages/core/src/transport-kit.ts', import.meta.url)),
      },
      {
        find: /^@afilnet-chat\/core\/constants$/,
        replacement: fileURLToPath(new URL('./packages/core/src/constants.ts', import.meta.url)),
      },
      {
        find: /^@afilnet-chat\/core\/inbound$/,
        replacement: fileURLToPath(new URL('./packages/core/src/inbound/index.ts', import.meta.url)),
      },
      ...PACKAGES.map((name) => ({
        find: new RegExp(`^@afilnet-chat/${name}$`),
        replacement: fileURLToPath(new URL(`./packages/${name}/src/index.ts`, import.meta.url)),
      })),
    ],
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
    // Installing system packages can take minutes on a fresh machine; it happens once, here.
    globalSetup: ['./test/support/system-packages.setup.ts'],
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
