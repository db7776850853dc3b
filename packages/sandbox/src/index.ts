/** `@afilnet-chat/sandbox`: a local, stateful emulator of the Afilnet Web Chat API. */
export { startSandbox, type Sandbox, type SandboxOptions } from './start-sandbox.js';
export { DEMO_ACCOUNT, type SandboxAccount, type SandboxChannel, type StoredMessage } from './sandbox-state.js';
export type { InboundMessage } from './inject-inbound.js';
export type { Door, DoorContext } from './door.js';
