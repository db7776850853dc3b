/**
 * `@afilnet-chat/core/constants`: the API's fixed names and the client's defaults, as data: the
 * transports and their ratings, platforms, file types, the methods and the error codes each may
 * answer, the defaults. This entry loads neither the client nor its schema library, so a tool
 * that only names things (a CLI's `--help`, a form listing platforms) starts fast. Each value is
 * exported here only; the types of its items (`Platform`, `TransportName`…) are also exported by
 * the root entry, whose inputs and configuration name them.
 */
export { SECURITY_RATINGS, type SecurityRating } from './transport/security.js';
export {
  TRANSPORT_NAMES,
  BUILT_IN_TRANSPORTS,
  type TransportName,
} from './transport/built-in-transports.js';
export { PLATFORMS, FILE_TYPES, type Platform, type FileType } from './wire/chat-types.js';
export {
  CHAT_METHODS,
  COMMON_ERROR_CODES,
  METHOD_ERROR_CODES,
  type ChatMethod,
  type FieldKind,
  type MethodField,
  type MethodInfo,
  type MethodResultKind,
} from './wire/methods.js';
export {
  DEFAULT_BASE_URL,
  DEFAULT_MAX_MESSAGE_LENGTH,
  DEFAULT_MAX_RESPONSE_BYTES,
  DEFAULT_TIMEOUT_MS,
} from './config/defaults.js';
export { DEFAULT_PATHS } from './transport/transport.js';
export {
  DEFAULT_WATCH_INTERVAL_MS,
  DEFAULT_WATCH_MAX_BACKOFF_MS,
} from './client/watch-unread-messages.js';
export { DEFAULT_SWEEP_INTERVAL_MS } from './inbound/poll-inbound.js';
