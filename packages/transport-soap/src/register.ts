/**
 * Registers this package as core's `'soap'` transport when it is imported, so that
 * `createChatClient({ transport: 'soap' })` finds it without importing it by name (which a
 * bundle cannot do). The package's only side effect, declared in its `sideEffects`.
 */
import { registerTransport } from '@afilnet-chat/core/transport';
import { createSoapTransport } from './create-soap-transport.js';

registerTransport('soap', createSoapTransport);
