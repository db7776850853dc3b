/**
 * How many API calls the sandbox answered, by method, since the last reset or clear. Unlike the
 * request log, which keeps the latest 10,000 calls, the counts cover every call, so that a test
 * can count what one poll of 10,000 conversations cost.
 */
import { CHAOS_METHODS } from '../chaos/chaos-rule.js';
import { matchesFilter } from './match-filter.js';
import type { SandboxRequest } from './sandbox-event.js';

/** The fields a count can be narrowed by: those of a request but its id and duration. */
export type RequestCountFilter = Partial<
  Pick<SandboxRequest, 'flavour' | 'method' | 'status' | 'code' | 'chaos'>
>;

/**
 * The name calls to a method the API does not have are counted under: such names come from the
 * caller, and one counter each would let the counts grow without bound.
 */
export const OTHER_METHOD = '(other)';

const KNOWN_METHODS: ReadonlySet<string> = new Set<string>([...CHAOS_METHODS, '']);

type CountedRequest = Required<Pick<SandboxRequest, 'flavour' | 'method' | 'status'>> &
  Pick<SandboxRequest, 'code' | 'chaos'>;

/** Counters of API calls, one per distinct flavour, method, status, code and chaos fault. */
export class RequestCounts {
  readonly #counts = new Map<string, { readonly request: CountedRequest; count: number }>();

  /** Counts one call. */
  add(request: Omit<SandboxRequest, 'id' | 'durationMs'>): void {
    const counted: CountedRequest = {
      flavour: request.flavour,
      method: KNOWN_METHODS.has(request.method) ? request.method : OTHER_METHOD,
      status: request.status,
      ...(request.code === undefined ? {} : { code: request.code }),
      ...(request.chaos === undefined ? {} : { chaos: request.chaos }),
    };
    const key = JSON.stringify([
      counted.flavour,
      counted.method,
      counted.status,
      counted.code ?? null,
      counted.chaos ?? null,
    ]);
    const entry = this.#counts.get(key);
    if (entry === undefined) this.#counts.set(key, { request: counted, count: 1 });
    else entry.count += 1;
  }

  /** The number of calls matching `filter`, by method; methods never called are left out. */
  byMethod(
    filter: RequestCountFilter | Readonly<Record<string, string>> = {},
  ): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const { request, count } of this.#counts.values()) {
      if (matchesFilter(request, filter))
        counts[request.method] = (counts[request.method] ?? 0) + count;
    }
    return counts;
  }

  /** Sets every count back to zero. */
  clear(): void {
    this.#counts.clear();
  }
}
