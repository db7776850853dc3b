/**
 * Registers this package as core's `'basic'` transport when it is imported, so that
 * `createChatClient({ transport: 'basic' })` finds it without importing it by name (which a
 * bundle cannot do). The package's only side effect, declared in its `sideEffects`.
 */
import { registerTransport } from '@afilnet-chat/core/transport';
import { createBasicTransport } from './create-basic-transport.js';

registerTransport('basic', createBasicTransport);
