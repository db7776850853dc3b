/** `afilnet-chat chats`: the latest message of each conversation of a channel (`getchats`). */
import type { Command } from '../command.js';
import { CHANNEL_OPTIONS, channelFrom } from '../conversation-options.js';
import { EXIT_CODES } from '../exit-codes.js';
import { renderMessages } from '../render-messages.js';

/** Lists conversations. */
export const chatsCommand: Command = {
  name: 'chats',
  summary: 'List the conversations of a channel, latest message of each (getchats)',
  description: 'Lists the conversations of a channel, showing the latest message of each.',
  callsApi: true,
  options: CHANNEL_OPTIONS,
  examples: ['afilnet-chat chats --transport post --platform whatsapp --platform-id 100'],
  async run(context) {
    const chats = await (await context.client()).getChats(channelFrom(context));
    context.print(chats, () => renderMessages(chats, 'No conversations.'));
    return EXIT_CODES.OK;
  },
};
