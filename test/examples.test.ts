/**
 * The examples of examples/ are programs a user copies: each must type-check under strict, start
 * its own sandbox, print what it did and exit 0 by itself. Each is run here as a child process
 * on the built packages; test/consumers.test.ts runs them again from the packed tarballs.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisServer } from '../scripts/redis-server.mjs';
import { ROOT } from './support/consumer-project.js';
import { EXAMPLES, EXAMPLES_DIR, printedInOrder, runExample } from './support/examples.js';

const run = promisify(execFile);
let redis: RedisServer;

beforeAll(async () => {
  redis = await startRedisServer();
}, 60_000);
afterAll(async () => {
  await redis?.stop();
});

describe('examples/', () => {
  it('type-check under strict (nodenext)', async () => {
    const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
    await run(process.execPath, [tsc, '-p', join(EXAMPLES_DIR, 'tsconfig.json')]).catch(
      (error: { stdout?: string }) => {
        throw new Error(`tsc failed:\n${error.stdout ?? String(error)}`);
      },
    );
  }, 120_000);

  for (const example of EXAMPLES) {
    it(`${example.path} runs against its own sandbox, prints what it did and exits by itself`, async () => {
      const env = { ...process.env, ...(example.redis ? { REDIS_URL: redis.url } : {}) };
      const result = await runExample(example, EXAMPLES_DIR, join(ROOT, 'node_modules'), env);
      expect(result.code, result.stderr).toBe(0);
      expect(printedInOrder(result.stdout, example.prints)).toEqual(
        example.prints.map((p) => expect.stringMatching(p)),
      );
      if (example.runner !== 'vitest') expect(result.stderr).toBe('');
    }, 120_000);
  }
});
