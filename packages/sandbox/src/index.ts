/** `@afilnet-chat/sandbox`: a local, stateful emulator of the Afilnet Web Chat API. */
export {
  startSandbox,
  type Sandbox,
  type SandboxOptions,
  type WaitOptions,
} from './start-sandbox.js';
export {
  DEMO_ACCOUNT,
  type SandboxAccount,
  type SandboxChannel,
  type StoredMessage,
} from './state/sandbox-state.js';
export type { InboundMessage } from './control/inject-inbound.js';
export {
  MAX_BULK_MESSAGES,
  type BulkInboundChannel,
  type BulkInboundGenerated,
  type BulkInboundGenerator,
  type BulkInboundList,
  type BulkInboundInput,
  type BulkInboundMessage,
  type BulkInboundResult,
} from './control/bulk-inbound.js';
export {
  MAX_CHANNELS_PER_ACCOUNT,
  type AddChannelsInput,
  type AddChannelsResult,
  type ChannelInput,
} from './control/add-channels.js';
export { OTHER_METHOD, type RequestCountFilter } from './state/request-counts.js';
export type { Door, DoorContext } from './http/door.js';
export type { MessageFilter, RequestFilter } from './state/journal.js';
export {
  SANDBOX_FLAVOURS,
  type SandboxEvent,
  type SandboxFile,
  type SandboxFlavour,
  type SandboxMessage,
  type SandboxRequest,
} from './state/sandbox-event.js';
export { CHAOS_METHODS, type ChaosFault, type ChaosRule } from './chaos/chaos-rule.js';
