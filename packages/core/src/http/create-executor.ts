/**
 * Picking the executor a client's configuration asks for: undici by default, loaded by the first
 * request, or `fetch` (docs/behaviour.md, "HTTP").
 */
import type { ResolvedConfig } from '../config/config-schema.js';
import { debugLog } from '../diagnostics/debug-log.js';
import { createFetchExecutor } from './fetch-executor.js';
import type { HttpExecutor } from './http-executor.js';
import { createUndiciExecutor } from './undici-executor.js';

/**
 * True on Bun, which answers `import('undici')` with its own partial stand-in (no
 * `Agent#close`, for one) rather than the package: the undici executor cannot run there.
 */
function runtimeReplacesUndici(): boolean {
  return typeof process !== 'undefined' && typeof process.versions?.bun === 'string';
}

/**
 * Creates the client's one executor: `undici` (default), global `fetch`, or the user's fetch.
 * Where the runtime replaces undici (Bun), `undici` means global `fetch`. Throws nothing.
 */
export function createExecutor(
  config: Pick<ResolvedConfig, 'executor' | 'dispatcher' | 'maxResponseBytes' | 'timeouts'>,
): HttpExecutor {
  const { executor, dispatcher, maxResponseBytes, timeouts } = config;
  const shared = { maxResponseBytes, timeouts, ...(dispatcher ? { dispatcher } : {}) };
  if (executor === 'undici' && runtimeReplacesUndici()) {
    debugLog()?.(
      "executor fetch: this runtime's undici is not Node's (Bun), so the client uses the global fetch",
    );
    return createFetchExecutor(shared);
  }
  if (executor === 'undici') return createUndiciExecutor(shared);
  if (executor === 'fetch') return createFetchExecutor(shared);
  return createFetchExecutor({ ...shared, fetch: executor.fetch });
}
