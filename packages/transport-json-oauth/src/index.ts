/**
 * `@afilnet-chat/transport-json-oauth`: the JSON + OAuth 2.0 flavour of the Afilnet Web Chat API
 * (client credentials grant, bearer token; rated high).
 */

export {
  createJsonOAuthTransport,
  DEFAULT_TOKEN_PATH,
  type JsonOAuthTransportOptions,
} from './create-json-oauth-transport.js';
export { createMemoryTokenStore } from './memory-token-store.js';
export { EARLY_REFRESH_MS, MIN_TOKEN_LIFETIME_MS, refreshAt } from './token-freshness.js';
export type { StoredToken, TokenStore } from '@afilnet-chat/core';
