/**
 * Registers this package as core's `'get'` transport when it is imported, so that
 * `createChatClient({ transport: 'get' })` finds it without importing it by name (which a
 * bundle cannot do). The package's only side effect, declared in its `sideEffects`.
 */
import { registerTransport } from '@afilnet-chat/core/transport';
import { createGetTransport } from './create-get-transport.js';

registerTransport('get', createGetTransport);
