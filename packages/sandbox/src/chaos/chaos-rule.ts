/**
 * Chaos rules: faults the sandbox injects on purpose, so that a client's handling of
 * rate limits, outages, latency, dropped connections and expired tokens can be tried locally.
 * Checked with zod at both edges (`PUT /__sandbox/chaos` and `sandbox.chaos()`).
 */
import { z } from 'zod';
import { describeProblems } from '../control/describe-problems.js';
import { SANDBOX_FLAVOURS } from '../state/sandbox-event.js';

/** The methods a rule can be scoped to: the API's six, and `token` for the OAuth token endpoint. */
export const CHAOS_METHODS = [
  'getchatchannels',
  'sendmessage',
  'sendfile',
  'getchats',
  'getmessages',
  'getunreadmessages',
  'token',
] as const;

const statusFault = z.strictObject({
  status: z.union([z.literal(429), z.literal(500), z.literal(503)]),
  retryAfterSeconds: z.number().int().min(0).max(86_400).optional(),
});
const delayFault = z.strictObject({ delayMs: z.number().int().min(0).max(60_000) });
const resetFault = z.strictObject({ reset: z.enum(['before-commit', 'after-commit']) });
const expireFault = z.strictObject({ expireTokens: z.literal(true) });

const faultSchema = z.union([statusFault, delayFault, resetFault, expireFault], {
  error:
    'must be one of { status: 429 | 500 | 503, retryAfterSeconds? }, { delayMs }, { reset: "before-commit" | "after-commit" }, { expireTokens: true }',
});

const ruleSchema = z.strictObject({
  method: z.enum(CHAOS_METHODS).optional(),
  flavour: z.enum(SANDBOX_FLAVOURS).optional(),
  times: z.number().int().min(1).optional(),
  probability: z.number().min(0).max(1).optional(),
  fault: faultSchema,
});

const rulesSchema = z.array(ruleSchema).max(100);

/**
 * A fault to inject: an HTTP status (with `Retry-After` when `retryAfterSeconds` is given), a
 * delay before the request is handled, a dropped connection before or after the request is
 * acted on (`before-commit`: nothing stored; `after-commit`: stored, answer lost), or every
 * OAuth token revoked before the request is handled.
 */
export type ChaosFault = z.infer<typeof faultSchema>;

/**
 * One rule: `fault` applies to requests of `method` and `flavour` (any when left out; a rule
 * without `method` leaves the token endpoint alone), `times` times (forever when left out), each
 * time with `probability` (1 when left out).
 */
export type ChaosRule = z.infer<typeof ruleSchema>;

/** A rule list, or the reason it is not one (naming the field, e.g. `[0].fault.status`). */
export type ParsedChaosRules =
  | { readonly ok: true; readonly rules: ChaosRule[] }
  | { readonly ok: false; readonly message: string };

/** Checks that `value` is a list of chaos rules. */
export function parseChaosRules(value: unknown): ParsedChaosRules {
  const parsed = rulesSchema.safeParse(value);
  if (parsed.success) return { ok: true, rules: parsed.data };
  return {
    ok: false,
    message: `invalid chaos rules: ${describeProblems(parsed.error.issues, 'the rule list')}`,
  };
}
