/**
 * `@afilnet-chat/core/inbound`: the engine behind `watchInbound`, for code that runs polls itself
 * (a fleet's poller keeping the state in Redis): the poll step, the state and its format, the
 * checkpoint interface, and the one conversation key. An app that only listens needs
 * `chat.watchInbound()` and `createFileCheckpoint` from the root entry, which also exports the
 * types named here that its methods name (`InboundState`, `InboundCheckpoint`, `InboundWatch`,
 * `WatchInboundInput`); the sweep's default is in `@afilnet-chat/core/constants`.
 * docs/inbound.md explains the design.
 */
export { conversationKey, type ConversationFields } from './conversation-key.js';
export {
  acknowledgeInbound,
  createInboundState,
  parseInboundState,
  type ParsedInboundState,
  INBOUND_STATE_FORMAT,
  INBOUND_STATE_VERSION,
  type InboundChannelList,
  type InboundConversation,
  type InboundFetchIntent,
  type InboundMessage,
  type InboundState,
} from './inbound-state.js';
export {
  pollInbound,
  oldestFirst,
  CHANNEL_LIST_MAX_AGE_MS,
  type InboundApi,
  type InboundPollCalls,
  type InboundPollOptions,
  type InboundPollResult,
} from './poll-inbound.js';
export type { InboundCheckpoint, InboundStateChanges } from './inbound-checkpoint.js';
export { writeFileAtomic } from './write-file-atomic.js';
export { watchInbound, type InboundWatch, type WatchInboundInput } from './watch-inbound.js';
