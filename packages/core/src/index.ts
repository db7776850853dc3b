/**
 * `@afilnet-chat/core`: what an app uses. The client and its configuration, the methods' inputs
 * and results, the errors and their codes, the checkpoints of `watchInbound`. A test lists this
 * entry's values, so each one is a decision.
 *
 * Each name has one entry. The API's fixed names and the client's defaults, as data, are in
 * `@afilnet-chat/core/constants`; what a transport is built from in `@afilnet-chat/core/transport`;
 * the listening engine in `@afilnet-chat/core/inbound`. The one exception is types: a type lives
 * beside the list or function it describes, and is also exported here when the configuration, a
 * method or a result names it (`Platform`, `TransportName`, `ChatTransport`, `InboundState`…), so
 * that an app annotates its code from this entry alone.
 */
export { createChatClient, type ChatClient } from './client/client.js';
export type {
  UnreadMessagesWatch,
  WatchUnreadMessagesInput,
} from './client/watch-unread-messages.js';
export { createFileCheckpoint } from './inbound/file-checkpoint.js';
export {
  createMemoryCheckpoint,
  type InboundCheckpoint,
  type InboundStateChanges,
} from './inbound/inbound-checkpoint.js';
export type { InboundMessage, InboundState } from './inbound/inbound-state.js';
export type { InboundWatch, WatchInboundInput } from './inbound/watch-inbound.js';
export { createChatClientFromEnv, configFromEnv, ENV_VARIABLES } from './client/client-from-env.js';
export type {
  ChatClientConfig,
  ClientOAuthOptions,
  ExecutorChoice,
} from './config/config-schema.js';
export type { CredentialsProvider, SecretProvider } from './credentials/secret-source.js';
export type {
  MeterProviderLike,
  TelemetryOptions,
  TracerProviderLike,
} from './telemetry/telemetry-options.js';
export {
  AfilnetError,
  AfilnetApiError,
  AfilnetValidationError,
  AfilnetTransportError,
  type ValidationIssue,
  type TransportErrorDetails,
} from './errors/errors.js';
export { ApiErrorCode, TransportErrorCode, ValidationErrorCode } from './errors/codes.js';
export type {
  Platform,
  PlatformName,
  FileType,
  FileTypeFrenchSpelling,
  ChatChannel,
  ChatMessage,
  ChannelRef,
  ConversationRef,
  SendMessageInput,
  SendFileInput,
  CallOptions,
} from './wire/chat-types.js';
export type { ChatMethod } from './wire/methods.js';
export type { SecurityRating } from './transport/security.js';
export type { TransportName } from './transport/built-in-transports.js';
export type { ApiPaths, ChatTransport, Credentials } from './transport/transport.js';
export type { TransportDefinition } from './transport/options.js';
export type { BasicOptions, OAuthOptions, SoapOptions } from './transport/options.js';
export type { StoredToken, TokenStore } from './config/token-store.js';
export type { FetchFunction } from './http/fetch-executor.js';
export type { RetryOptions } from './retry/retry-policy.js';
export type { PhaseTimeouts } from './http/phase-timeouts.js';
export type {
  CallChannelContext,
  DiagnosticHooks,
  RequestDiagnostic,
  ResponseDiagnostic,
  RetryDiagnostic,
} from './diagnostics/channels.js';
