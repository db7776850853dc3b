/** The control API: injecting inbound messages, adding channels, listing, resetting, chaos. */
export {
  addChannels,
  parseChannelList,
  type AddChannelsInput,
  type AddChannelsResult,
  type ChannelInput,
} from './add-channels.js';
export {
  injectInboundBulk,
  type BulkInboundInput,
  type BulkInboundResult,
} from './bulk-inbound.js';
export { createChaosDoor } from './chaos-door.js';
export { createControlActionDoor } from './control-action-door.js';
export { createInboundDoor } from './inbound-door.js';
export { injectInbound, type InboundMessage } from './inject-inbound.js';
export { createListDoor } from './list-door.js';
export { createResetDoor } from './reset-door.js';
