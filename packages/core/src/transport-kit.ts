/**
 * `@afilnet-chat/core/transport`: what a transport package is built from. An app needs none of
 * it; the root entry `@afilnet-chat/core` holds the client, its configuration, results and
 * errors. Kept apart so that the root entry, which semver freezes for apps, stays small, and
 * transport authors get one explicit entry (as tRPC does with its internal entry).
 *
 * A transport of your own is passed to `createChatClient` as an instance or as a
 * `TransportDefinition` (name, rating, factory): see the README's "Writing a transport".
 */
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
export type { AccountTransportOptions, TransportFactoryOptions } from './transport-options.js';
export type { HttpExecutor, HttpRequest, HttpResponse, HttpSendOptions } from './http/http-executor.js';
export { createUndiciExecutor, type UndiciExecutorOptions } from './http/undici-executor.js';
export { createFetchExecutor, type FetchExecutorOptions } from './http/fetch-executor.js';
export { sanitizeCause } from './http/network-error.js';
export { parseRetryAfter } from './retry-after.js';
export { CHAT_CLASS, isChatMethod } from './methods.js';
export { meetsMinimum } from './security.js';
export { BUILT_IN_TRANSPORTS } from './built-in-transports.js';
export { encodeForm, percentEncode } from './encode-form.js';
export { createFormEncoder, type FormEncoder } from './form-encoder.js';
export { wireFields, joinUrl } from './wire-fields.js';
export { parseJsonPayload } from './parse-json-payload.js';
export { createRedactor, REDACTED, type Redactor } from './redact.js';
export { decodeResponse, type MethodResults } from './decode-response.js';
export { toWireRequest } from './input-schemas.js';
export {
  resolveTransportOptions,
  type CredentialRule,
  type ResolvedTransportOptions,
  type ResolveTransportOptionsSettings,
} from './resolve-transport-options.js';
export { isHttpUrl } from './http-url.js';
export { toValidationIssues, type SchemaIssue } from './validation-issues.js';
export { loadOpenTelemetryApi, type OpenTelemetryApi } from './telemetry/open-telemetry-api.js';
