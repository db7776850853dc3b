/**
 * The entry points' exports, listed so that adding one is a decision: the root entry is what
 * apps use and semver freezes; `/transport` is what transport packages are built from;
 * `/constants` is the API's names and the defaults, without the client; `/inbound` is the
 * listening engine. Each value is exported by one entry only.
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
      'ENV_VARIABLES',
      'TransportErrorCode',
      'ValidationErrorCode',
      'configFromEnv',
      'createChatClient',
      'createChatClientFromEnv',
      'createFileCheckpoint',
      'createMemoryCheckpoint',
    ]);
  });

  it('@afilnet-chat/core/inbound exports the listening engine a poller is built from', () => {
    expect(Object.keys(inbound).sort()).toEqual([
      'CHANNEL_LIST_MAX_AGE_MS',
      'INBOUND_STATE_FORMAT',
      'INBOUND_STATE_VERSION',
      'acknowledgeInbound',
      'conversationKey',
      'createInboundState',
      'oldestFirst',
      'parseInboundState',
      'pollInbound',
      'watchInbound',
      'writeFileAtomic',
    ]);
  });

  it('@afilnet-chat/core/transport exports the helpers transport packages are built from', () => {
    expect(Object.keys(kit).sort()).toEqual([
      'CHAT_CLASS',
      'OptionChecks',
      'createFormEncoder',
      'createRedactor',
      'headerValue',
      'joinUrl',
      'jsonWireResponse',
      'loadOpenTelemetryApi',
      'parseJsonPayload',
      'parseRetryAfter',
      'resolveTransportOptions',
      'sanitizeCause',
      'toValidationIssues',
      'toWireRequest',
      'wireResponse',
    ]);
  });

  it("@afilnet-chat/core/constants exports the API's names and the defaults, as data", () => {
    expect(Object.keys(constants).sort()).toEqual([
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
      'FILE_TYPES',
      'METHOD_ERROR_CODES',
      'PLATFORMS',
      'SECURITY_RATINGS',
      'TRANSPORT_NAMES',
    ]);
  });

  it('each value has one entry', () => {
    const entries = { root, inbound, kit, constants };
    const seen = new Map<string, string>();
    for (const [entry, module] of Object.entries(entries)) {
      for (const name of Object.keys(module)) {
        expect(
          seen.get(name),
          `${name} is exported by ${seen.get(name)} and ${entry}`,
        ).toBeUndefined();
        seen.set(name, entry);
      }
    }
  });
});
