/** `afilnet-chat messages`: every message of a conversation (`getmessages`). */
import type { Command } from '../command.js';
import { CONVERSATION_OPTIONS, conversationFrom } from '../conversation-options.js';
import { EXIT_CODES } from '../exit-codes.js';
import { renderMessages } from '../render-messages.js';

/** Lists a conversation. */
export const messagesCommand: Command = {
  name: 'messages',
  summary: 'Show every message of a conversation (getmessages)',
  description: 'Shows every message of a conversation, both directions, oldest first.',
  callsApi: true,
  options: CONVERSATION_OPTIONS,
  examples: [
    'afilnet-chat messages --transport post --platform whatsapp --platform-id 100 --destination 34600000000',
  ],
  async run(context) {
    const messages = await (await context.client()).getMessages(conversationFrom(context));
    context.print(messages, () => renderMessages(messages, 'No messages.'));
    return EXIT_CODES.OK;
  },
};
