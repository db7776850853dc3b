/**
 * The examples of examples/, as a table: how each is run, what it must print. The examples suite
 * runs them in the workspace and the consumer suite in a project with the packed tarballs
 * installed; a new example is one more row here.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from './consumer-project.js';

const run = promisify(execFile);

/** The folder of the examples in the workspace. */
export const EXAMPLES_DIR = join(ROOT, 'examples');

/** One example: a program, or a folder of tests run by vitest. */
export interface Example {
  /** Its path under examples/. */
  readonly path: string;
  /** How a user runs it: node on JavaScript, tsx on TypeScript, vitest on a folder of tests. */
  readonly runner: 'node' | 'tsx' | 'vitest';
  /** Needs a Redis server, given as REDIS_URL. */
  readonly redis?: boolean;
  /** Lines its standard output must contain, in this order. */
  readonly prints: readonly RegExp[];
}

const FIRST_MESSAGE = [
  /^sandbox running; open its inbox at http:\/\/127\.0\.0\.1:\d+\/$/,
  /^channels: whatsapp 100, telegram 200, webchat 300, operator 400$/,
  /^sent "Hello from afilnet-chat" to 34600000000$/,
  /^reply from 34600000000: Hi! Where is my order\?$/,
  /^the conversation holds 2 messages$/,
];

export const EXAMPLES: readonly Example[] = [
  { path: 'first-message.mjs', runner: 'node', prints: FIRST_MESSAGE },
  { path: 'first-message.cjs', runner: 'node', prints: FIRST_MESSAGE },
  { path: 'first-message.mts', runner: 'tsx', prints: FIRST_MESSAGE },
  {
    path: 'bulk-campaign.mts',
    runner: 'tsx',
    redis: true,
    prints: [
      /^shipped-A-1001: sent$/,
      /^shipped-A-1002: sent$/,
      /^shipped-A-1003: sent$/,
      /^shipped-A-1004: not-sent$/,
      /^messages the sandbox received: 3$/,
      /^shipped-A-1005: needs-review$/,
      /^shipped-A-1005 needs review \(NETWORK\): found in the conversation, nothing to resend$/,
    ],
  },
  {
    path: 'support-bot.mts',
    runner: 'tsx',
    // Conversations are not ordered among themselves: any order of the three answers.
    prints: [
      /^3 customers wrote; the bot listens$/,
      ...Array.from(
        { length: 3 },
        () => /^answered (whatsapp 100 346[12]{8}|telegram 200 ana_k): "[^"]+"$/,
      ),
      /^replies the sandbox received: 3$/,
    ],
  },
  {
    path: 'testing-with-the-sandbox',
    runner: 'vitest',
    prints: [/✓ support-desk\.test\.mts \(3 tests\)/, /Tests\s+3 passed \(3\)/],
  },
];

/** What a run of an example gave. */
export interface ExampleRun {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number;
}

/**
 * Runs `example` from `dir` (a copy of examples/) with the binaries of `modules` (a
 * node_modules folder), as a user would. An example that does not exit on its own within 90 s is
 * killed, and its run fails.
 */
export async function runExample(
  example: Example,
  dir: string,
  modules: string,
  env: NodeJS.ProcessEnv,
): Promise<ExampleRun> {
  const command =
    example.runner === 'node'
      ? [example.path]
      : example.runner === 'tsx'
        ? [join(modules, 'tsx/dist/cli.mjs'), example.path]
        : [join(modules, 'vitest/vitest.mjs'), 'run'];
  const cwd = example.runner === 'vitest' ? join(dir, example.path) : dir;
  // Colours would split the lines the table matches; vitest's own variables are the parent's.
  const clean: NodeJS.ProcessEnv = { NO_COLOR: '1' };
  for (const [key, value] of Object.entries(env))
    if (!/^(npm_|VITEST|FORCE_COLOR$)/i.test(key)) clean[key] = value;
  return run(process.execPath, command, {
    cwd,
    env: clean,
    timeout: 90_000,
    killSignal: 'SIGKILL',
  }).then(
    ({ stdout, stderr }) => ({ stdout, stderr, code: 0 }),
    (error: { stdout?: string; stderr?: string; code?: number | string; signal?: string }) => ({
      stdout: error.stdout ?? '',
      stderr: `${error.stderr ?? ''}${error.signal ? `\n(killed with ${error.signal})` : ''}`,
      code: typeof error.code === 'number' ? error.code : -1,
    }),
  );
}

/** The lines of `stdout` that match `prints`, in order; the first line not found is reported as missing. */
export function printedInOrder(stdout: string, prints: readonly RegExp[]): string[] {
  const lines = stdout.split('\n').map((line) => line.trim());
  const found: string[] = [];
  let from = 0;
  for (const pattern of prints) {
    const at = lines.findIndex((line, i) => i >= from && pattern.test(line));
    if (at < 0) return [...found, `missing: ${pattern}`];
    found.push(lines[at] as string);
    from = at + 1;
  }
  return found;
}
