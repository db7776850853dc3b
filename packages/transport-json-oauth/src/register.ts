/**
 * Registers this package as core's `'json-oauth'` transport when it is imported, so that
 * `createChatClient({ transport: 'json-oauth' })` finds it without importing it by name (which a
 * bundle cannot do). The package's only side effect, declared in its `sideEffects`.
 */
import { registerTransport } from '@afilnet-chat/core/transport';
import { createJsonOAuthTransport } from './create-json-oauth-transport.js';

registerTransport('json-oauth', createJsonOAuthTransport);
