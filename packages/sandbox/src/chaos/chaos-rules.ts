/** The chaos rules in force, and which fault, if any, a request meets. */
import type { SandboxFlavour } from '../state/sandbox-event.js';
import type { ChaosFault, ChaosRule } from './chaos-rule.js';

interface ActiveRule {
  readonly rule: ChaosRule;
  /** Applications left; `Infinity` without `times`. */
  left: number;
}

/** The active rules, in the order given; the first that matches a request applies. */
export class ChaosRules {
  #rules: ActiveRule[] = [];
  readonly #random: () => number;

  /** @param random the source of `probability` draws, in [0, 1). */
  constructor(random: () => number = Math.random) {
    this.#random = random;
  }

  /** Replaces the rules (already checked by `parseChaosRules`); an empty list ends the chaos. */
  set(rules: readonly ChaosRule[]): void {
    this.#rules = rules.map((rule) => ({ rule, left: rule.times ?? Infinity }));
  }

  /** The fault for a request of `flavour` and `method`, using up one of its rule's `times`. */
  pick(flavour: SandboxFlavour, method: string): ChaosFault | undefined {
    for (const active of this.#rules) {
      const { rule } = active;
      if (active.left <= 0 || (rule.flavour !== undefined && rule.flavour !== flavour)) continue;
      if (rule.method === undefined ? method === 'token' : rule.method !== method) continue;
      if (rule.probability !== undefined && this.#random() >= rule.probability) continue;
      active.left -= 1;
      if (active.left <= 0) this.#rules = this.#rules.filter((r) => r !== active);
      return rule.fault;
    }
    return undefined;
  }
}

/** The fault in a few words, for the `request` event's `chaos` field. */
export function describeFault(fault: ChaosFault): string {
  if ('status' in fault)
    return fault.retryAfterSeconds === undefined
      ? `status ${fault.status}`
      : `status ${fault.status}, Retry-After ${fault.retryAfterSeconds} s`;
  if ('delayMs' in fault) return `delay ${fault.delayMs} ms`;
  if ('reset' in fault) return `reset ${fault.reset}`;
  return 'expire tokens';
}
