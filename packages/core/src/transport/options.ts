/**
 * A transport's options, in one place: what core hands a transport factory when it loads a
 * transport by name (each factory reads only the fields of its flavour; a user building a
 * transport by hand passes the same shape), the rules on them that depend on which transport
 * reads them (docs/behaviour.md, "Configuration"), and what a factory does first with the
 * options it is given, by hand or by core: the same schemas, rules and defaults as the client's
 * configuration.
 */
import { DEFAULT_BASE_URL } from '../config/defaults.js';
import { transportOptionsShape } from '../config/option-schemas.js';
import type { TokenStore } from '../config/token-store.js';
import { toValidationIssues } from '../config/validation-issues.js';
import * as z from '../config/zod-mini.js';
import { AfilnetValidationError, type ValidationIssue } from '../errors/errors.js';
import { refuseInsecureUrls } from '../http/url-rules.js';
import type { SecurityRating } from './security.js';
import { type ApiPaths, type ChatTransport, type Credentials, DEFAULT_PATHS } from './transport.js';

/** How the Basic flavour sends. */
export interface BasicOptions {
  /** `POST` (form body, the default) or `GET` (query string). */
  readonly method?: 'GET' | 'POST';
}

/** How the SOAP flavour authenticates. */
export interface SoapOptions {
  /** `PasswordText` (default) or `PasswordDigest` (OASIS UsernameToken Profile 1.0). */
  readonly passwordType?: 'PasswordText' | 'PasswordDigest';
}

/** OAuth 2.0 settings of the JSON flavour; all optional. */
export interface OAuthOptions {
  /** Defaults to the account's user. */
  readonly clientId?: string;
  /** Defaults to the account's password. */
  readonly clientSecret?: string;
  /** Defaults to `baseUrl + '/api/oauth/token'`. */
  readonly tokenUrl?: string;
  /** An issuer whose metadata (RFC 8414) names the token endpoint. */
  readonly issuer?: string;
  /** The scope to ask for (RFC 6749 §3.3); none by default. */
  readonly scope?: string;
  /** `client_secret_basic` (default) or `client_secret_post`. */
  readonly clientAuthMethod?: 'client_secret_basic' | 'client_secret_post';
  /** Where the access token is kept; in memory, per client, when left out. */
  readonly tokenStore?: TokenStore;
  /**
   * Bind tokens to a key pair the client makes and keeps in memory, proving possession on every
   * request (DPoP, RFC 9449), so that a stolen token is useless elsewhere. Off by default.
   */
  readonly dpop?: boolean;
  /**
   * Refuse a token the server issued as plain `Bearer` (`TOKEN_ENDPOINT`, naming the token
   * type) instead of using it unbound, as RFC 9449 §5 otherwise allows. Implies `dpop`.
   * Off by default.
   */
  readonly requireDpop?: boolean;
}

/**
 * What every transport that logs in with the account's user and password takes when built by
 * hand (GET, POST, Basic, SOAP); each adds its own flavour's options.
 */
export interface AccountTransportOptions {
  /** Defaults to `https://www.afilnet.com`. */
  readonly baseUrl?: string;
  /** Required: the account's user (e-mail) and password. */
  readonly credentials?: Credentials;
  /** The doors' paths; each transport reads its own (`http`, `basic`, `soap`). */
  readonly paths?: Partial<ApiPaths>;
  /** Allow an `http://` `baseUrl` (a local sandbox); refused otherwise, as by the client. */
  readonly allowInsecureHttp?: boolean;
}

/** The resolved configuration a built-in transport factory receives. */
export interface TransportFactoryOptions {
  /** The API's origin, `https://www.afilnet.com` unless configured. */
  readonly baseUrl: string;
  /** Absent only for json-oauth configured with its own client id and secret. */
  readonly credentials?: Credentials;
  /** Every door's path, defaults filled in. */
  readonly paths: ApiPaths;
  /** The Basic flavour's options. */
  readonly basic: BasicOptions;
  /** The SOAP flavour's options. */
  readonly soap: SoapOptions;
  /** The JSON + OAuth 2.0 flavour's options. */
  readonly oauth: OAuthOptions;
  /** True when the user allowed `http://` URLs (checked by core for every configured URL). */
  readonly allowInsecureHttp: boolean;
}

/**
 * A transport the client builds itself, from its resolved configuration: how a transport that is
 * not one of the five built-in names is plugged in with its rating, so that `minimumSecurity` is
 * checked when the client is made and the transport is built again when credentials given as a
 * function change. Pass it as `transport` to `createChatClient`.
 */
export interface TransportDefinition {
  /** The transport's name, e.g. `fax`: what errors, logs and spans call it. */
  readonly name: string;
  /** How well it protects the credentials, checked against `minimumSecurity`. */
  readonly security: SecurityRating;
  /**
   * Builds the transport from the client's validated options; called at the first call, and
   * again after credentials from a function changed. May throw an `AfilnetError`, which the call
   * then rejects with.
   */
  create(options: TransportFactoryOptions): ChatTransport | Promise<ChatTransport>;
}

// The rules, written once for both ways of building a transport: `resolveConfig` runs them for
// the client's configuration, `resolveTransportOptions` for a factory called by hand.

/** The options the rules read, after their schemas accepted them. */
export interface RuledOptions {
  readonly baseUrl: string;
  readonly credentials?: Credentials | undefined;
  readonly oauth?: OAuthOptions | undefined;
  readonly allowInsecureHttp?: boolean | undefined;
}

/**
 * The problems of `options` for the transport `name`:
 * - json-oauth needs a client id and secret, from `oauth` or else from `credentials`;
 * - every other transport needs `credentials`;
 * - basic cannot carry a user holding `:` (RFC 7617 §2: the user-pass splits at the first `:`).
 */
function issuesOf(name: string, options: RuledOptions): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  if (name === 'json-oauth') {
    if (!(options.oauth?.clientId ?? options.credentials?.user)) {
      issues.push({ path: 'oauth.clientId', message: 'is required (or credentials.user)' });
    }
    if (!(options.oauth?.clientSecret ?? options.credentials?.password)) {
      issues.push({ path: 'oauth.clientSecret', message: 'is required (or credentials.password)' });
    }
  } else if (options.credentials === undefined) {
    issues.push({ path: 'credentials', message: 'is required (user and password)' });
  }
  if (name === 'basic' && options.credentials?.user.includes(':')) {
    issues.push({
      path: 'credentials.user',
      message: "must not contain ':' with the basic transport (RFC 7617 §2)",
    });
  }
  return issues;
}

/**
 * Applies the rules of the transport `name` to options its schemas accepted, then refuses
 * `http://` URLs (`baseUrl`, `oauth.tokenUrl`, `oauth.issuer`) unless `allowInsecureHttp`.
 *
 * @throws {AfilnetValidationError} `INVALID_CONFIG` with `message` and every problem listed;
 *   `INSECURE_URL` for an `http://` URL without `allowInsecureHttp`.
 * @see https://www.rfc-editor.org/rfc/rfc7617#section-2
 */
export function checkTransportOptions(name: string, options: RuledOptions, message: string): void {
  const issues = issuesOf(name, options);
  if (issues.length > 0) throw new AfilnetValidationError('INVALID_CONFIG', message, { issues });
  refuseInsecureUrls(
    [
      ['baseUrl', options.baseUrl],
      ['oauth.tokenUrl', options.oauth?.tokenUrl],
      ['oauth.issuer', options.oauth?.issuer],
    ],
    options.allowInsecureHttp ?? false,
  );
}

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
