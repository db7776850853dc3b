/**
 * The entry points' exports, listed so that adding one is a decision: the root entry is what
 * apps use and semver freezes; `/transport` is what transport packages are built from;
 * `/constants` is the root's data, without the client.
 */
import { describe, expect, it } from 'vitest';
import * as constants from './constants.js';
import * as inbound from './inbound/index.js';
import * as root from './index.js';
import * as kit from './transport-kit.js';

describe('entry points', () => {
  it('the root entry exports only what an app uses', () => {
    expect(Object.keys(root).sort()).toEqual([
      'AfilnetApiError',
      'AfilnetError',
      'AfilnetTransportError',
      'AfilnetValidationError',
      'ApiErrorCode',
      'BUILT_IN_TRANSPORTS',
      'CHAT_METHODS',
      'COMMON_ERROR_CODES',
      'DEFAULT_BASE_URL',
      'DEFAULT_MAX_MESSAGE_LENGTH',
      'DEFAULT_MAX_RESPONSE_BYTES',
      'DEFAULT_PATHS',
      'DEFAULT_SWEEP_INTERVAL_MS',
      'DEFAULT_TIMEOUT_MS',
      'DEFAULT_WATCH_INTERVAL_MS',
      'DEFAULT_WATCH_MAX_BACKOFF_MS',
      'ENV_VARIABLES',
      'FILE_TYPES',
      'METHOD_ERROR_CODES',
      'PLATFORMS',
      'SECURITY_RATINGS',
      'TRANSPORT_NAMES',
      'TransportErrorCode',
      'ValidationErrorCode',
      'configFromEnv',
      'createChatClient',
      'createChatClientFromEnv',
      'createFileCheckpoint',
      'createMemoryCheckpoint',
      'watchUnreadMessages',
    ]);
  });

  it('@afilnet-chat/core/inbound exports the listening engine a poller is built from', () => {
    expect(Object.keys(inbound).sort()).toEqual([
      'CHANNEL_LIST_MAX_AGE_MS',
      'DEFAULT_SWEEP_INTERVAL_MS',
      'INBOUND_STATE_FORMAT',
      'INBOUND_STATE_VERSION',
      'acknowledgeInbound',
      'conversationKey',
      'createFileCheckpoint',
      'createInboundState',
      'createMemoryCheckpoint',
      'oldestFirst',
      'parseInboundState',
      'pollInbound',
      'watchInbound',
      'writeFileAtomic',
    ]);
    expect(inbound.createFileCheckpoint).toBe(root.createFileCheckpoint);
  });

  it('@afilnet-chat/core/transport exports the helpers transport packages are built from', () => {
    expect(Object.keys(kit).sort()).toEqual([
      'BUILT_IN_TRANSPORTS',
      'CHAT_CLASS',
      'DEFAULT_PATHS',
      'REDACTED',
      'createFetchExecutor',
      'createFormEncoder',
      'createRedactor',
      'createUndiciExecutor',
      'decodeResponse',
      'encodeForm',
      'isChatMethod',
      'isHttpUrl',
      'joinUrl',
      'loadOpenTelemetryApi',
      'meetsMinimum',
      'parseJsonPayload',
      'parseRetryAfter',
      'percentEncode',
      'resolveTransportOptions',
      'sanitizeCause',
      'toValidationIssues',
      'toWireRequest',
      'wireFields',
    ]);
  });

  it("@afilnet-chat/core/constants exports the root entry's data only, with the same values", () => {
    expect(Object.keys(constants).sort()).toEqual([
      'ApiErrorCode',
      'BUILT_IN_TRANSPORTS',
      'CHAT_METHODS',
      'COMMON_ERROR_CODES',
      'DEFAULT_BASE_URL',
      'DEFAULT_MAX_MESSAGE_LENGTH',
      'DEFAULT_MAX_RESPONSE_BYTES',
      'DEFAULT_TIMEOUT_MS',
      'DEFAULT_WATCH_INTERVAL_MS',
      'DEFAULT_WATCH_MAX_BACKOFF_MS',
      'FILE_TYPES',
      'METHOD_ERROR_CODES',
      'PLATFORMS',
      'SECURITY_RATINGS',
      'TRANSPORT_NAMES',
      'TransportErrorCode',
      'ValidationErrorCode',
    ]);
    for (const [name, value] of Object.entries(constants)) expect(root[name as keyof typeof root], name).toBe(value);
  });
});
