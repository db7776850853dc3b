/**
 * What a transport factory does first with the options it is given, by hand or by core: the same
 * schemas and rules as the client's configuration, and the same defaults.
 */
import { DEFAULT_BASE_URL } from './defaults.js';
import { AfilnetValidationError, type ValidationIssue } from './errors.js';
import { transportOptionsShape } from './option-schemas.js';
import { checkTransportOptions } from './transport-option-rules.js';
import { DEFAULT_PATHS, type Credentials } from './transport.js';
import type { TransportFactoryOptions } from './transport-options.js';
import { toValidationIssues } from './validation-issues.js';
import * as z from './zod-mini.js';

/**
 * A transport's own rule on one credential, beyond the common ones (SOAP: characters XML 1.0
 * cannot carry): a problem, never quoting the value, or undefined.
 */
export type CredentialRule = (field: 'user' | 'password', value: string) => string | undefined;

/** How {@link resolveTransportOptions} words and extends its checks. */
export interface ResolveTransportOptionsSettings {
  /** The transport's own rule on each credential. */
  readonly credentialRule?: CredentialRule;
  /** The message of an `INVALID_CONFIG` error; defaults to `Invalid options for the NAME transport`. */
  readonly errorMessage?: string;
}

/** The resolved options of the transport `N`: every transport but json-oauth has credentials. */
export type ResolvedTransportOptions<N extends string> = N extends 'json-oauth'
  ? TransportFactoryOptions
  : TransportFactoryOptions & {
      /** The account's user and password, always given for these transports. */
      readonly credentials: Credentials;
    };

// Not strict: a factory's options may carry more than the groups it reads (the client's own).
const transportOptionsSchema = z.object(transportOptionsShape);

/**
 * Validates a factory's options with the configuration's schemas and the rules of the transport
 * `name` (`checkTransportOptions`), plus the transport's `credentialRule`, and fills in the defaults
 * (`DEFAULT_BASE_URL`, `DEFAULT_PATHS`).
 *
 * @throws {AfilnetValidationError} `INVALID_CONFIG` listing every problem by option path
 *   (`credentials.user`, …) without quoting a value; `INSECURE_URL` for an `http://` URL
 *   without `allowInsecureHttp`.
 */
export function resolveTransportOptions<N extends string>(
  name: N,
  input: unknown,
  {
    credentialRule,
    errorMessage = `Invalid options for the ${name} transport`,
  }: ResolveTransportOptionsSettings = {},
): ResolvedTransportOptions<N> {
  const message = errorMessage;
  const parsed = transportOptionsSchema.safeParse(input ?? {});
  const issues: ValidationIssue[] = parsed.success ? [] : toValidationIssues(parsed.error.issues);
  const credentials = (
    input as { credentials?: Partial<Record<'user' | 'password', unknown>> } | undefined
  )?.credentials;
  if (credentialRule !== undefined && credentials !== undefined) {
    for (const field of ['user', 'password'] as const) {
      const value = credentials[field];
      const problem = typeof value === 'string' ? credentialRule(field, value) : undefined;
      if (problem !== undefined) issues.push({ path: `credentials.${field}`, message: problem });
    }
  }
  if (!parsed.success || issues.length > 0)
    throw new AfilnetValidationError('INVALID_CONFIG', message, { issues });
  const options = parsed.data;
  const resolved: TransportFactoryOptions = {
    baseUrl: options.baseUrl ?? DEFAULT_BASE_URL,
    ...(options.credentials ? { credentials: options.credentials } : {}),
    paths: { ...DEFAULT_PATHS, ...options.paths },
    basic: options.basic ?? {},
    soap: options.soap ?? {},
    oauth: options.oauth ?? {},
    allowInsecureHttp: options.allowInsecureHttp ?? false,
  };
  checkTransportOptions(name, resolved, message);
  return resolved as ResolvedTransportOptions<N>;
}
