/**
 * The client's configuration: its type, its zod schema and the checks run by
 * `createChatClient`. Everything wrong with a configuration is reported at once.
 */
import type { Dispatcher } from 'undici';
import { AfilnetValidationError } from '../errors/errors.js';
import type { FetchFunction } from '../http/fetch-executor.js';
import {
  DEFAULT_MAX_MESSAGE_LENGTH,
  DEFAULT_MAX_RESPONSE_BYTES,
  DEFAULT_TIMEOUT_MS,
} from './defaults.js';
import { SECURITY_RATINGS, meetsMinimum, type SecurityRating } from '../transport/security.js';
import {
  TRANSPORT_NAMES,
  describeTransports,
  type TransportName,
} from '../transport/built-in-transports.js';
import { builtInTransport } from '../transport/load-transport.js';
import type { ApiPaths, ChatTransport, Credentials } from '../transport/transport.js';
import type { TransportDefinition } from '../transport/options.js';
import type {
  DiagnosticHooks,
  RequestDiagnostic,
  ResponseDiagnostic,
  RetryDiagnostic,
} from '../diagnostics/channels.js';
import { DEFAULT_PHASE_TIMEOUTS, type PhaseTimeouts } from '../http/phase-timeouts.js';
import {
  resolveRetryPolicy,
  type ResolvedRetryPolicy,
  type RetryOptions,
} from '../retry/retry-policy.js';
import type {
  BasicOptions,
  OAuthOptions,
  SoapOptions,
  TransportFactoryOptions,
} from '../transport/options.js';
import { resolveTransportOptions } from '../transport/options.js';
import { transportOptionsShape } from './option-schemas.js';
import { describeType, expectedType } from './type-messages.js';
import { toValidationIssues } from './validation-issues.js';
import * as z from './zod-mini.js';
import {
  createSecretSource,
  type CredentialsProvider,
  type SecretProvider,
  type SecretSource,
} from '../credentials/secret-source.js';
import { separateProviders } from '../credentials/separate-providers.js';
import type { TelemetryOptions } from '../telemetry/telemetry-options.js';

/** How requests are executed. */
export type ExecutorChoice =
  | 'undici'
  | 'fetch'
  | {
      /** Your own fetch (one that a test intercepts, say), called for every request. */
      readonly fetch: FetchFunction;
    };

/** `oauth` in a client's configuration: `clientSecret` may be a function answering it. */
export interface ClientOAuthOptions extends Omit<OAuthOptions, 'clientSecret'> {
  /**
   * Defaults to the account's password. A function is called at first use and again after the
   * token endpoint refuses the client (README "Rotating credentials").
   */
  readonly clientSecret?: string | SecretProvider;
}

/** The configuration of {@link createChatClient}. */
export interface ChatClientConfig {
  /**
   * How credentials travel: a built-in flavour's name, a transport instance, or the definition
   * of a transport of your own (name, rating and factory). No default.
   */
  readonly transport: TransportName | ChatTransport | TransportDefinition;
  /** Defaults to `https://www.afilnet.com`. */
  readonly baseUrl?: string;
  /**
   * The account's user (e-mail) and password, or a function answering them (sync or async),
   * called at first use and again after the server refuses them (README "Rotating credentials").
   */
  readonly credentials?: Credentials | CredentialsProvider;
  /** json-oauth only: your own client, token endpoint, scope, token store. */
  readonly oauth?: ClientOAuthOptions;
  /** basic only: the HTTP method (`POST` by default). */
  readonly basic?: BasicOptions;
  /** soap only: how the password travels in the UsernameToken (`PasswordText` by default). */
  readonly soap?: SoapOptions;
  /** The doors' paths, relative to `baseUrl`. */
  readonly paths?: Partial<ApiPaths>;
  /** Refuse a transport rated below this. */
  readonly minimumSecurity?: SecurityRating;
  /** Default overall deadline of each call, in ms (30 s). */
  readonly timeoutMs?: number;
  /** Allow `http://` URLs (for a local sandbox). */
  readonly allowInsecureHttp?: boolean;
  /** `undici` (default), `fetch`, or `{ fetch }` with your own fetch. */
  readonly executor?: ExecutorChoice;
  /** Your undici Dispatcher (proxy, custom CA, mTLS), used for every request. */
  readonly dispatcher?: Dispatcher;
  /** The largest response body accepted, in bytes (4 MiB), enforced while streaming. */
  readonly maxResponseBytes?: number;
  /** The longest `message` accepted, in Unicode code points (4,096), checked before sending. */
  readonly maxMessageLength?: number;
  /** Per-phase timeouts in ms: connect (10 s), response headers (30 s), body silence (30 s). */
  readonly timeouts?: Partial<PhaseTimeouts>;
  /** The retry policy (README "Security and reliability"); `false` turns retries off. */
  readonly retry?: RetryOptions | false;
  /** Called before each retry, with the redacted error. */
  readonly onRetry?: (event: RetryDiagnostic) => void;
  /** Called before each HTTP request (token requests included), with a redacted copy. */
  readonly onRequest?: (event: RequestDiagnostic) => void;
  /** Called after each HTTP response, with a redacted copy. */
  readonly onResponse?: (event: ResponseDiagnostic) => void;
  /** OpenTelemetry providers replacing the global ones (docs/observability.md). */
  readonly telemetry?: TelemetryOptions;
}

/** A configuration after validation, with every default filled in. */
export interface ResolvedConfig {
  /** A transport given as an instance, else the definition the client builds its transport from. */
  readonly transport: ChatTransport | TransportDefinition;
  readonly security: SecurityRating;
  readonly factoryOptions: TransportFactoryOptions;
  readonly timeoutMs: number;
  readonly executor: ExecutorChoice;
  readonly dispatcher: Dispatcher | undefined;
  readonly maxResponseBytes: number;
  readonly maxMessageLength: number;
  readonly timeouts: PhaseTimeouts;
  readonly retry: ResolvedRetryPolicy;
  readonly hooks: DiagnosticHooks;
  /** Every secret of the configuration, for the redactor. */
  readonly secrets: readonly string[];
  /**
   * Set when `credentials` or `oauth.clientSecret` is a function: transports are then built from
   * what it answers, and `factoryOptions` carries neither.
   */
  readonly secretSource: SecretSource | undefined;
  readonly telemetry: TelemetryOptions | undefined;
}

/** A whole number of milliseconds a timer accepts (at most 2^31 − 1). */
const milliseconds = z
  .number({ error: expectedType('a number') })
  .check(z.int(), z.positive(), z.lte(2_147_483_647));

const positiveInteger = z.number({ error: expectedType('a number') }).check(z.int(), z.positive());

const hook = z.optional(
  z.custom<(event: never) => void>((v) => typeof v === 'function', { error: 'must be a function' }),
);

const TRANSPORT_OBJECT_RULE =
  'must be an object with name, security and send() (a transport) or create() (a definition)';

/** A transport instance (with `send()`) or a definition (with `create()`), named and rated. */
const transportObject = z.custom<ChatTransport | TransportDefinition>(
  (v) =>
    typeof v === 'object' &&
    v !== null &&
    typeof (v as ChatTransport).name === 'string' &&
    (typeof (v as ChatTransport).send === 'function' ||
      typeof (v as TransportDefinition).create === 'function') &&
    (SECURITY_RATINGS as readonly unknown[]).includes((v as ChatTransport).security),
  { error: TRANSPORT_OBJECT_RULE },
);

/** True for a transport definition rather than an instance. */
export function isTransportDefinition(
  transport: ChatTransport | TransportDefinition,
): transport is TransportDefinition {
  return typeof (transport as Partial<ChatTransport>).send !== 'function';
}

const configSchema = z.strictObject({
  transport: z.union([z.enum(TRANSPORT_NAMES), transportObject], {
    error: (issue) =>
      issue.input === undefined
        ? `is required: choose how credentials travel, one of ${describeTransports()}, or a ChatTransport`
        : typeof issue.input === 'string'
          ? `is not a known transport; use one of ${describeTransports()}`
          : typeof issue.input === 'object' && issue.input !== null && !Array.isArray(issue.input)
            ? TRANSPORT_OBJECT_RULE
            : `must be a transport name or a ChatTransport, not ${describeType(issue.input)}`,
  }),
  ...transportOptionsShape,
  minimumSecurity: z.optional(z.enum(SECURITY_RATINGS)),
  timeoutMs: z.optional(milliseconds),
  executor: z.optional(
    z.union(
      [
        z.enum(['undici', 'fetch']),
        z.strictObject({
          fetch: z.custom<FetchFunction>((v) => typeof v === 'function', {
            error: 'must be a function',
          }),
        }),
      ],
      { error: "must be 'undici', 'fetch' or { fetch }" },
    ),
  ),
  dispatcher: z.optional(
    z.custom<Dispatcher>(
      (v) =>
        typeof v === 'object' && v !== null && typeof (v as Dispatcher).dispatch === 'function',
      {
        error: 'must be an undici Dispatcher',
      },
    ),
  ),
  maxResponseBytes: z.optional(positiveInteger),
  maxMessageLength: z.optional(positiveInteger),
  timeouts: z.optional(
    z.strictObject(
      {
        connectMs: z.optional(milliseconds),
        headersMs: z.optional(milliseconds),
        bodyMs: z.optional(milliseconds),
      },
      { error: expectedType('an object') },
    ),
  ),
  retry: z.optional(
    z.union(
      [
        z.literal(false),
        z.strictObject({
          maxAttempts: z.optional(
            z.number({ error: expectedType('a number') }).check(z.int(), z.gte(1), z.lte(10)),
          ),
          baseDelayMs: z.optional(
            z.number({ error: expectedType('a number') }).check(z.int(), z.gte(0)),
          ),
          maxDelayMs: z.optional(
            z.number({ error: expectedType('a number') }).check(z.int(), z.gte(0)),
          ),
          budgetRatio: z.optional(
            z.number({ error: expectedType('a number') }).check(z.gte(0), z.lte(10)),
          ),
        }),
      ],
      { error: 'must be false or { maxAttempts, baseDelayMs, maxDelayMs, budgetRatio }' },
    ),
  ),
  onRetry: hook,
  onRequest: hook,
  onResponse: hook,
  telemetry: z.optional(
    z.strictObject(
      {
        tracerProvider: z.optional(
          z.custom<TelemetryOptions['tracerProvider']>(
            (v) => typeof (v as { getTracer?: unknown } | null)?.getTracer === 'function',
            {
              error: 'must be an OpenTelemetry TracerProvider',
            },
          ),
        ),
        meterProvider: z.optional(
          z.custom<TelemetryOptions['meterProvider']>(
            (v) => typeof (v as { getMeter?: unknown } | null)?.getMeter === 'function',
            {
              error: 'must be an OpenTelemetry MeterProvider',
            },
          ),
        ),
      },
      { error: expectedType('an object') },
    ),
  ),
});

/**
 * Validates a configuration and fills in the defaults.
 *
 * @throws {AfilnetValidationError} `INVALID_CONFIG` (every problem listed), `INSECURE_URL` for an
 *   `http://` URL without `allowInsecureHttp`, `SECURITY_BELOW_MINIMUM` for a transport rated
 *   below `minimumSecurity`.
 */
export function resolveConfig(input: unknown): ResolvedConfig {
  // Functions answering credentials are checked by what they answer, when a transport is built.
  const { config: checked, providers } = separateProviders(input);
  const parsed = configSchema.safeParse(checked === undefined ? {} : checked);
  if (!parsed.success) {
    throw new AfilnetValidationError('INVALID_CONFIG', 'Invalid client configuration', {
      issues: toValidationIssues(parsed.error.issues),
    });
  }
  const config = parsed.data;
  const name = typeof config.transport === 'string' ? config.transport : config.transport.name;
  // Parsed again by the shared schema, which is cheap: the rules and defaults then live once.
  const ruled = resolveTransportOptions(name, config, {
    errorMessage: 'Invalid client configuration',
  });
  const secretSource =
    providers === undefined
      ? undefined
      : createSecretSource(
          providers.credentials ?? config.credentials,
          providers.clientSecret ?? config.oauth?.clientSecret,
        );
  // The stand-ins of provided values leave with the checks that needed them.
  const factoryOptions: TransportFactoryOptions =
    providers === undefined
      ? ruled
      : withoutStandIns(
          ruled,
          providers.credentials !== undefined,
          providers.clientSecret !== undefined,
        );

  const transport =
    typeof config.transport === 'string' ? builtInTransport(config.transport) : config.transport;
  const security = transport.security;
  if (config.minimumSecurity !== undefined && !meetsMinimum(security, config.minimumSecurity)) {
    throw new AfilnetValidationError(
      'SECURITY_BELOW_MINIMUM',
      `The ${name} transport is rated ${security}, below the minimum ${config.minimumSecurity}`,
      {
        issues: [
          {
            path: 'transport',
            message: `is rated ${security}; minimumSecurity is ${config.minimumSecurity}`,
          },
        ],
      },
    );
  }

  const secrets: string[] = [];
  if (factoryOptions.credentials) secrets.push(factoryOptions.credentials.password);
  if (factoryOptions.oauth.clientSecret) secrets.push(factoryOptions.oauth.clientSecret);

  return {
    transport,
    security,
    factoryOptions,
    timeoutMs: config.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    executor: config.executor ?? 'undici',
    dispatcher: config.dispatcher,
    maxResponseBytes: config.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
    maxMessageLength: config.maxMessageLength ?? DEFAULT_MAX_MESSAGE_LENGTH,
    timeouts: { ...DEFAULT_PHASE_TIMEOUTS, ...config.timeouts },
    retry: resolveRetryPolicy(config.retry),
    hooks: {
      ...(config.onRetry ? { onRetry: config.onRetry as DiagnosticHooks['onRetry'] } : {}),
      ...(config.onRequest ? { onRequest: config.onRequest as DiagnosticHooks['onRequest'] } : {}),
      ...(config.onResponse
        ? { onResponse: config.onResponse as DiagnosticHooks['onResponse'] }
        : {}),
    },
    secrets,
    secretSource,
    telemetry: config.telemetry,
  };
}

function withoutStandIns(
  options: TransportFactoryOptions,
  credentials: boolean,
  clientSecret: boolean,
): TransportFactoryOptions {
  const { credentials: account, ...rest } = options;
  const { clientSecret: secret, ...oauth } = options.oauth;
  return {
    ...rest,
    ...(credentials || account === undefined ? {} : { credentials: account }),
    oauth: clientSecret || secret === undefined ? oauth : { ...oauth, clientSecret: secret },
  };
}
