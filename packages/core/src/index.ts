/**
 * `@afilnet-chat/core`: the public client of the Afilnet Web Chat API, its configuration,
 * results and errors. What a transport is built from is in `@afilnet-chat/core/transport`; a test
 * lists this entry's exports, so each one is a decision.
 */
export { createChatClient, type ChatClient } from './client.js';
export {
  watchUnreadMessages,
  DEFAULT_WATCH_INTERVAL_MS,
  DEFAULT_WATCH_MAX_BACKOFF_MS,
  type UnreadMessagesWatch,
  type WatchUnreadMessagesInput,
} from './watch-unread-messages.js';
export {
  createFileCheckpoint,
  createMemoryCheckpoint,
  DEFAULT_SWEEP_INTERVAL_MS,
  type InboundCheckpoint,
  type InboundState,
  type InboundWatch,
  type WatchInboundInput,
} from './inbound/index.js';
export { createChatClientFromEnv, configFromEnv, ENV_VARIABLES } from './client-from-env.js';
export { DEFAULT_BASE_URL, DEFAULT_MAX_MESSAGE_LENGTH, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT_MS } from './defaults.js';
export type { ChatClientConfig, ClientOAuthOptions, ExecutorOption } from './config-schema.js';
export type { CredentialsProvider, SecretProvider } from './credentials/secret-source.js';
export type { MeterProviderLike, TelemetryOptions, TracerProviderLike } from './telemetry/telemetry-options.js';
export {
  AfilnetError,
  AfilnetApiError,
  AfilnetValidationError,
  AfilnetTransportError,
  type ValidationIssue,
  type TransportErrorDetails,
} from './errors.js';
export { ApiErrorCode, TransportErrorCode, ValidationErrorCode } from './error-codes.js';
export {
  PLATFORMS,
  FILE_TYPES,
  type Platform,
  type ResultPlatform,
  type FileType,
  type FileTypeAlias,
  type ChatChannel,
  type ChatMessage,
  type ChannelRef,
  type ConversationRef,
  type SendMessageInput,
  type SendFileInput,
  type CallOptions,
} from './chat-types.js';
export {
  CHAT_METHODS,
  COMMON_ERROR_CODES,
  METHOD_ERROR_CODES,
  type ChatMethod,
  type MethodInfo,
  type ResultKind,
} from './methods.js';
export { SECURITY_RATINGS, type SecurityRating } from './security.js';
export { TRANSPORT_NAMES, BUILT_IN_TRANSPORTS, type TransportName } from './built-in-transports.js';
export {
  DEFAULT_PATHS,
  type ApiPaths,
  type ChatTransport,
  type TransportDefinition,
  type Credentials,
  type TransportCallContext,
  type WirePayload,
  type WireRequest,
  type WireResponse,
} from './transport.js';
export type { BasicOptions, OAuthOptions, SoapOptions } from './transport-options.js';
export type { StoredToken, TokenStore } from './token-store.js';
export type { HttpExecutor, HttpRequest, HttpResponse, HttpSendOptions } from './http/http-executor.js';
export type { FetchFunction } from './http/fetch-executor.js';
export type { RetryOptions } from './retry-policy.js';
export type { PhaseTimeouts } from './http/phase-timeouts.js';
export type { CallChannelContext, DiagnosticHooks, RequestDiagnostic, ResponseDiagnostic, RetryDiagnostic } from './diagnostics.js';
