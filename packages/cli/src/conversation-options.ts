/** The options that name a channel and a conversation, shared by most commands. */
import type { ChannelRef, ConversationRef } from '@afilnet-chat/core';
import { PLATFORMS, type Platform } from '@afilnet-chat/core/constants';
import type { CommandContext } from './command.js';
import type { OptionSpec } from './option-spec.js';

/** `--platform` and `--platform-id`. */
export const CHANNEL_OPTIONS: readonly OptionSpec[] = [
  {
    name: 'platform',
    type: 'string',
    valueName: '<platform>',
    description: `The channel's platform: ${PLATFORMS.join(', ')}`,
    required: true,
  },
  {
    name: 'platform-id',
    type: 'string',
    valueName: '<id>',
    description: "The channel's id (see 'afilnet-chat channels')",
    required: true,
  },
];

/** `--platform`, `--platform-id` and `--destination`. */
export const CONVERSATION_OPTIONS: readonly OptionSpec[] = [
  ...CHANNEL_OPTIONS,
  {
    name: 'destination',
    type: 'string',
    valueName: '<contact>',
    description: 'The contact: phone number or chat id',
    required: true,
  },
];

/** The channel named by the options; core validates the platform before sending. */
export function channelFrom(context: CommandContext): ChannelRef {
  return {
    platform: context.required('platform') as Platform,
    platformId: context.required('platform-id'),
  };
}

/** The conversation named by the options. */
export function conversationFrom(context: CommandContext): ConversationRef {
  return { ...channelFrom(context), destination: context.required('destination') };
}
