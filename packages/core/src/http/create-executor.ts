/** Picking the executor a client's configuration asks for (SPEC §6). */
import type { ResolvedConfig } from '../config-schema.js';
import { createFetchExecutor } from './fetch-executor.js';
import type { HttpExecutor } from './http-executor.js';
import { createUndiciExecutor } from './undici-executor.js';

/** Creates the client's one executor: `undici` (default), global `fetch`, or the user's fetch. */
export function createExecutor(
  config: Pick<ResolvedConfig, 'executor' | 'dispatcher' | 'maxResponseBytes' | 'timeouts'>,
): HttpExecutor {
  const { executor, dispatcher, maxResponseBytes, timeouts } = config;
  const shared = { maxResponseBytes, timeouts, ...(dispatcher ? { dispatcher } : {}) };
  if (executor === 'undici') return createUndiciExecutor(shared);
  if (executor === 'fetch') return createFetchExecutor(shared);
  return createFetchExecutor({ ...shared, fetch: executor.fetch });
}
