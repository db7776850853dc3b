/**
 * Registers this package as core's `'post'` transport when it is imported, so that
 * `createChatClient({ transport: 'post' })` finds it without importing it by name (which a
 * bundle cannot do). The package's only side effect, declared in its `sideEffects`.
 */
import { registerTransport } from '@afilnet-chat/core/transport';
import { createPostTransport } from './create-post-transport.js';

registerTransport('post', createPostTransport);
