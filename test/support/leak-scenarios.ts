/**
 * The pieces of the secret-leak suites: the rows (flavour × executor, plus a fetch that
 * harvests the tokens issued), the secrets to look for, and a call against a misbehaving server
 * with the distinctive credentials, whose diagnostic payloads are scanned as well.
 */
import { expect } from 'vitest';
import { AfilnetError, type ChatClientConfig } from '@afilnet-chat/core';
import { clientFor, invoke } from './case-client.js';
import { failureOf } from './collect-errors.js';
import {
  ISSUED_TOKEN_PREFIX,
  startMisbehavingServer,
  type Behaviour,
} from './misbehaving-server.js';
import type { SampleCall } from './sample-calls.js';
import {
  expectNoSecrets,
  LEAK_CLIENT_ID,
  LEAK_CLIENT_SECRET,
  LEAK_PASSWORD,
  LEAK_USER,
  secretNeedles,
  WRONG_PASSWORD,
  type Needle,
} from './secret-needles.js';
import { harvestingFetch } from './token-harvest.js';
import { TRANSPORT_CASES, type TransportCase } from './transport-cases.js';
import { EXECUTORS, type ExecutorName } from './wire-capture.js';

export const LEAK_ACCOUNT = { user: LEAK_USER, password: LEAK_PASSWORD } as const;
export const WRONG_ACCOUNT = { user: LEAK_USER, password: WRONG_PASSWORD } as const;

/** Tokens seen on the wire (the sandbox mints its own). */
export const harvestedTokens = new Set<string>();

export function leakNeedles(): Needle[] {
  return secretNeedles({
    user: LEAK_USER,
    passwords: [LEAK_PASSWORD, WRONG_PASSWORD],
    clientId: LEAK_CLIENT_ID,
    clientSecret: LEAK_CLIENT_SECRET,
    tokens: [ISSUED_TOKEN_PREFIX, ...harvestedTokens],
  });
}

/** Asserts `error` is one of the SDK's errors and that no text form of it holds a secret. */
export function expectCleanError(error: unknown): void {
  expect(error, String(error)).toBeInstanceOf(AfilnetError);
  expectNoSecrets(error, leakNeedles());
}

/** Collects every payload of the client's diagnostic hooks, which must be redacted too. */
export function diagnosticsCollector(): {
  readonly events: unknown[];
  readonly hooks: Partial<ChatClientConfig>;
} {
  const events: unknown[] = [];
  const push = (event: unknown) => {
    events.push(event);
  };
  return { events, hooks: { onRequest: push, onResponse: push, onRetry: push } };
}

/** Asserts no diagnostic payload holds a secret. */
export function expectCleanDiagnostics(events: readonly unknown[]): void {
  const needles = leakNeedles();
  for (const event of events) expectNoSecrets(event, needles);
}

/** Both built-in executors, and a fetch that harvests tokens. */
export type ExecutorChoice = ExecutorName | 'harvesting fetch';
const EXECUTOR_CHOICES: readonly ExecutorChoice[] = [...EXECUTORS, 'harvesting fetch'];

export function executorConfig(choice: ExecutorChoice): Partial<ChatClientConfig> {
  return choice === 'harvesting fetch'
    ? { executor: { fetch: harvestingFetch(harvestedTokens) } }
    : { executor: choice };
}

/** json-oauth rows use a separate OAuth client, so that the client secret is scanned for too. */
export function oauthClientConfig(transportCase: TransportCase): Partial<ChatClientConfig> {
  return transportCase.name === 'json-oauth'
    ? { oauth: { clientId: LEAK_CLIENT_ID, clientSecret: LEAK_CLIENT_SECRET } }
    : {};
}

export interface LeakRow {
  readonly case: TransportCase;
  readonly executor: ExecutorChoice;
  readonly label: string;
}

/** Flavour × every executor choice: for the sandbox, whose tokens only the harvesting fetch sees. */
export const LEAK_ROWS: readonly LeakRow[] = TRANSPORT_CASES.flatMap((c) =>
  EXECUTOR_CHOICES.map((executor) => ({ case: c, executor, label: `${c.label} × ${executor}` })),
);

/** Flavour × built-in executor: for the misbehaving servers, whose tokens are known. */
export const SERVER_ROWS: readonly LeakRow[] = LEAK_ROWS.filter(
  (row) => row.executor !== 'harvesting fetch',
);

/** The error of `sample` made with the leak account against a server answering `apiBehaviour`. */
export async function errorFromServer(
  row: LeakRow,
  apiBehaviour: Behaviour,
  sample: SampleCall,
  options: { tokenBehaviour?: Behaviour; timeoutMs?: number } = {},
): Promise<unknown> {
  const server = await startMisbehavingServer(apiBehaviour);
  if (options.tokenBehaviour) server.setTokenBehaviour(options.tokenBehaviour);
  const diagnostics = diagnosticsCollector();
  const client = clientFor(
    row.case,
    'undici',
    server.url,
    {
      ...executorConfig(row.executor),
      ...oauthClientConfig(row.case),
      timeoutMs: options.timeoutMs ?? 1_500,
      // Quick retries: the scan is about what errors hold, not about waiting.
      retry: { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 10 },
      maxResponseBytes: 256 * 1024,
      ...diagnostics.hooks,
    },
    LEAK_ACCOUNT,
  );
  try {
    const error = await failureOf(invoke(client, sample));
    // Every scenario makes at least one request, so the hooks must have seen something.
    expect(diagnostics.events.length, 'diagnostic events').toBeGreaterThan(0);
    expectCleanDiagnostics(diagnostics.events);
    return error;
  } finally {
    await client.close();
    await server.close();
  }
}
