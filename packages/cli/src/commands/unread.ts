/** `afilnet-chat unread`: the unread inbound messages of a conversation (`getunreadmessages`). */
import type { Command } from '../command.js';
import { CONVERSATION_OPTIONS, conversationFrom } from '../conversation-options.js';
import { EXIT_CODES } from '../exit-codes.js';
import { renderMessages } from '../render-messages.js';

/** Reads unread messages. */
export const unreadCommand: Command = {
  name: 'unread',
  summary: 'Show the unread messages of a conversation and mark them read (getunreadmessages)',
  description:
    'Shows the unread inbound messages of a conversation. The API marks them read: a second call shows only newer ones.',
  callsApi: true,
  options: CONVERSATION_OPTIONS,
  examples: [
    'afilnet-chat unread --transport post --platform whatsapp --platform-id 100 --destination 34600000000 --json',
  ],
  async run(context) {
    const messages = await (await context.client()).getUnreadMessages(conversationFrom(context));
    context.print(messages, () => renderMessages(messages, 'No unread messages.'));
    return EXIT_CODES.OK;
  },
};
