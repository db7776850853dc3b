/**
 * `@afilnet-chat/core`: the public client of the Afilnet Web Chat API, its schemas and errors,
 * and the pieces transports are built from.
 */
export { createChatClient, type ChatClient } from './client.js';
export {
  watchUnreadMessages,
  DEFAULT_WATCH_INTERVAL_MS,
  DEFAULT_WATCH_MAX_BACKOFF_MS,
  type UnreadMessagesWatch,
  type WatchUnreadMessagesInput,
} from './watch-unread-messages.js';
export { createChatClientFromEnv, configFromEnv, ENV_VARIABLES } from './client-from-env.js';
export {
  DEFAULT_BASE_URL,
  DEFAULT_MAX_MESSAGE_LENGTH,
  DEFAULT_MAX_RESPONSE_BYTES,
  DEFAULT_TIMEOUT_MS,
  type ChatClientConfig,
  type ExecutorOption,
} from './config-schema.js';
export {
  AfilnetError,
  AfilnetApiError,
  AfilnetValidationError,
  AfilnetTransportError,
  type ValidationErrorCode,
  type ValidationIssue,
  type TransportErrorCode,
  type TransportErrorDetails,
} from './errors.js';
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
  CHAT_CLASS,
  CHAT_METHODS,
  COMMON_ERROR_CODES,
  METHOD_ERROR_CODES,
  isChatMethod,
  type ChatMethod,
  type MethodInfo,
  type ResultKind,
} from './methods.js';
export {
  SECURITY_RATINGS,
  TRANSPORT_NAMES,
  BUILT_IN_TRANSPORTS,
  meetsMinimum,
  type SecurityRating,
  type TransportName,
} from './security.js';
export {
  DEFAULT_PATHS,
  type ApiPaths,
  type ChatTransport,
  type Credentials,
  type TransportCallContext,
  type WirePayload,
  type WireRequest,
  type WireResponse,
} from './transport.js';
export type {
  AccountTransportOptions,
  BasicOptions,
  OAuthOptions,
  SoapOptions,
  TransportFactoryOptions,
} from './transport-options.js';
export type { StoredToken, TokenStore } from './token-store.js';
export type { HttpExecutor, HttpRequest, HttpResponse, HttpSendOptions } from './http/http-executor.js';
export type { AbortHook } from './abort-hook.js';
export { createUndiciExecutor, type UndiciExecutorOptions } from './http/undici-executor.js';
export { createFetchExecutor, type FetchExecutorOptions, type FetchFunction } from './http/fetch-executor.js';
export { encodeForm, percentEncode } from './encode-form.js';
export { wireFields, joinUrl } from './wire-fields.js';
export { parseJsonPayload } from './parse-json-payload.js';
export { createRedactor, REDACTED, type Redactor } from './redact.js';
export { decodeResponse, type MethodResults } from './decode-response.js';
export { toWireRequest } from './input-schemas.js';
export { requireSafeCredentials, type CredentialRule } from './require-safe-credentials.js';
export type { RetryOptions } from './retry-policy.js';
export type { PhaseTimeouts } from './http/phase-timeouts.js';
export type { DiagnosticHooks, RequestDiagnostic, ResponseDiagnostic, RetryDiagnostic } from './diagnostics.js';
export { createFormEncoder, type FormEncoder } from './form-encoder.js';
export { isHttpUrl, refuseInsecureUrls } from './http-url.js';
