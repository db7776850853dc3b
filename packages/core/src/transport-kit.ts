/**
 * `@afilnet-chat/core/transport`: what a transport package is built from. An app needs none of
 * it; the root entry `@afilnet-chat/core` holds the client, its configuration (`Credentials`,
 * `BasicOptions`… which a transport reads too), results and errors, and
 * `@afilnet-chat/core/constants` the method table and the built-in transports' ratings. Kept
 * apart so that the root entry, which semver freezes for apps, stays small, and transport authors
 * get one explicit entry (as tRPC does with its internal entry). A test lists this entry's values.
 *
 * A transport of your own is passed to `createChatClient` as an instance or as a
 * `TransportDefinition` (name, rating, factory): see the README's "Writing a transport". Those
 * two types are also exported by the root entry, because the configuration's `transport` names
 * them.
 */
export type {
  ChatTransport,
  TransportCallContext,
  WirePayload,
  WireRequest,
  WireResponse,
} from './transport/transport.js';
export { wireResponse } from './transport/transport.js';
export type {
  AccountTransportOptions,
  TransportDefinition,
  TransportFactoryOptions,
} from './transport/options.js';
export type {
  HttpExecutor,
  HttpRequest,
  HttpResponse,
  HttpSendOptions,
} from './http/http-executor.js';
export { sanitizeCause } from './http/network-error.js';
export { parseRetryAfter } from './retry/retry-after.js';
export { CHAT_CLASS } from './wire/methods.js';
export { createFormEncoder, type FormEncoder } from './wire/form.js';
export { joinUrl } from './wire/wire-fields.js';
export { jsonWireResponse, parseJsonPayload } from './wire/parse-json-payload.js';
export {
  resolveTransportOptions,
  type CredentialRule,
  type ResolvedTransportOptions,
  type ResolveTransportOptionsSettings,
} from './transport/options.js';
export { toValidationIssues, type SchemaIssue } from './config/validation-issues.js';
// Also what the packages built beside core reuse rather than copy: the fleet queue checks a job's
// input as the client would (`toWireRequest`) and traces as it does (`loadOpenTelemetryApi`);
// the CLI hides secrets as the client does (`createRedactor`) and reads a webhook answer's
// header as the executor reads its own (`headerValue`); the fleet and the token store check
// their own options with core's error (`OptionChecks`).
export { toWireRequest } from './wire/input-schemas.js';
export { loadOpenTelemetryApi, type OpenTelemetryApi } from './telemetry/open-telemetry-api.js';
export { createRedactor, type Redactor } from './diagnostics/redact.js';
export { headerValue } from './http/flatten-headers.js';
export { OptionChecks } from './config/option-checks.js';
