/**
 * Running the built `afilnet-chat` binary as a child process, for the CLI's end-to-end tests.
 * Every output is checked for the test account's secrets, in every encoding they could leak in.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { TRANSPORT_NAMES, type TransportName } from '@afilnet-chat/core/constants';
import type { Sandbox } from '@afilnet-chat/sandbox';

/** The executable, as installed by the package's `bin`. */
export const BIN = fileURLToPath(
  new URL('../../packages/cli/bin/afilnet-chat.js', import.meta.url),
);

/**
 * The CLI account's channels: a conversation `n` of the relay suites is on `CLI_CHANNELS[n % 2]`.
 */
export const CLI_CHANNELS = [
  { platform: 'whatsapp', platformId: '100' },
  { platform: 'telegram', platformId: '200' },
] as const;

/** The options naming the conversation with `destination` on the CLI account's WhatsApp channel. */
export function whatsappArgs(destination: string): string[] {
  return ['--platform', 'whatsapp', '--platform-id', '100', '--destination', destination];
}

/**
 * Has `destination` write `message` to the CLI account's WhatsApp channel in `sandbox` (an
 * inbound message, unread).
 *
 * @returns its `messageId`.
 */
export function injectWhatsapp(sandbox: Sandbox, destination: string, message: string): string {
  return sandbox.injectInbound({ user: CLI_ACCOUNT.user, ...CLI_CHANNELS[0], destination, message })
    .messageId;
}

/** A password with characters that every encoding changes, so a leak in any form is caught. */
export const SECRET = 'Cli s3cret+/=:%&pässwörd';
/** A wrong password, which must not be printed either. */
export const WRONG_SECRET = 'Wr0ng s3cret+/=%&';
/** The account the CLI tests use (the demo account's password is public, so it proves nothing). */
export const CLI_ACCOUNT = {
  user: 'cli@example.com',
  password: SECRET,
  channels: [
    { platform: 'whatsapp', platformId: '100', name: 'CLI WhatsApp' },
    { platform: 'telegram', platformId: '200', name: 'CLI Telegram' },
  ],
} as const;

function forms(secret: string, user: string): string[] {
  return [
    secret,
    encodeURIComponent(secret),
    encodeURIComponent(secret).replace(/%20/g, '+'),
    Buffer.from(`${user}:${secret}`, 'utf8').toString('base64'),
    Buffer.from(`${encodeURIComponent(user)}:${encodeURIComponent(secret)}`, 'utf8').toString(
      'base64',
    ),
  ];
}

/** Every form of the test secrets that must never appear in any output. */
export const SECRET_NEEDLES = [
  ...forms(SECRET, CLI_ACCOUNT.user),
  ...forms(WRONG_SECRET, CLI_ACCOUNT.user),
];

/** Fails the test if `text` holds a secret in any form. */
export function expectNoSecret(text: string): void {
  for (const needle of SECRET_NEEDLES) expect(text).not.toContain(needle);
}

/** The transports whose packages are built, so the binary can load them; get and post always are. */
export function builtTransports(): TransportName[] {
  const built = TRANSPORT_NAMES.filter((name) =>
    existsSync(
      fileURLToPath(new URL(`../../packages/transport-${name}/dist/index.js`, import.meta.url)),
    ),
  );
  expect(built).toEqual(expect.arrayContaining(['get', 'post']));
  return built;
}

/** The environment of the test account's user on `transport`, against the sandbox at `baseUrl`. */
export function accountEnv(
  baseUrl: string,
  transport: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    AFILNET_TRANSPORT: transport,
    AFILNET_BASE_URL: baseUrl,
    AFILNET_ALLOW_INSECURE_HTTP: '1',
    AFILNET_USER: CLI_ACCOUNT.user,
    AFILNET_PASSWORD: SECRET,
    ...extra,
  };
}

/** The environment of a run: nothing from the test runner's own `AFILNET_*` variables. */
export function cleanEnv(env: Record<string, string>): Record<string, string> {
  return { PATH: process.env.PATH ?? '', ...env };
}

/** What a finished run printed and how it ended. */
export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A running `afilnet-chat`, for commands that keep running (watch, sandbox). */
export interface CliProcess {
  readonly child: ChildProcessWithoutNullStreams;
  /** What it printed so far. */
  output(): { readonly stdout: string; readonly stderr: string };
  /** Resolves once stdout (or stderr) contains `text`. */
  waitFor(stream: 'stdout' | 'stderr', text: string | RegExp): Promise<void>;
  /** Resolves when the process ends, after checking its output holds no secret. */
  readonly done: Promise<CliResult>;
}

/** How many one-shot runs may start at once: more only makes each slower on a busy machine. */
const MAX_CONCURRENT_RUNS = Math.max(2, availableParallelism());
let running = 0;
const queued: Array<() => void> = [];

async function slot<T>(task: () => Promise<T>): Promise<T> {
  if (running >= MAX_CONCURRENT_RUNS) await new Promise<void>((resolve) => queued.push(resolve));
  running += 1;
  try {
    return await task();
  } finally {
    running -= 1;
    queued.shift()?.();
  }
}

/** Starts the binary with `args` in a clean environment, writing `stdin` (and closing it). */
export function startCli(
  args: readonly string[],
  options: { env?: Record<string, string>; stdin?: string } = {},
): CliProcess {
  expect(
    existsSync(BIN.replace(/bin[/\\]afilnet-chat\.js$/, 'dist/bin.js')),
    'run `pnpm build` first',
  ).toBe(true);
  const child = spawn(process.execPath, [BIN, ...args], {
    env: cleanEnv(options.env ?? {}),
    stdio: 'pipe',
  });
  const output = { stdout: '', stderr: '' };
  let closed = false;
  const waiters: Array<() => void> = [];
  const notify = () => {
    for (const waiter of waiters.splice(0)) waiter();
  };
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    output.stdout += chunk;
    notify();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    output.stderr += chunk;
    notify();
  });
  child.stdin.end(options.stdin ?? '');
  const done = new Promise<CliResult>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      closed = true;
      notify();
      expectNoSecret(output.stdout);
      expectNoSecret(output.stderr);
      resolve({ code, signal, stdout: output.stdout, stderr: output.stderr });
    });
  });
  const waitFor = (stream: 'stdout' | 'stderr', text: string | RegExp) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        const seen = output[stream];
        if (typeof text === 'string' ? seen.includes(text) : text.test(seen)) resolve();
        else if (closed) {
          reject(
            new Error(
              `afilnet-chat ended before printing ${String(text)} on ${stream}: ${JSON.stringify(output)}`,
            ),
          );
        } else waiters.push(check);
      };
      check();
    });
  return { child, output: () => ({ ...output }), waitFor, done };
}

/** Runs the binary to its end; at most a few runs go at once. */
export function runCli(
  args: readonly string[],
  options: { env?: Record<string, string>; stdin?: string } = {},
): Promise<CliResult> {
  return slot(() => startCli(args, options).done);
}
