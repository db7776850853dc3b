/** `afilnet-chat send`: sends a text message (`sendmessage`). */
import type { Command } from '../command.js';
import { CONVERSATION_OPTIONS, conversationFrom } from '../conversation-options.js';
import { EXIT_CODES } from '../exit-codes.js';
import { printableText } from '../printable-text.js';

/** Sends a message. */
export const sendCommand: Command = {
  name: 'send',
  summary: 'Send a text message (sendmessage)',
  description:
    'Sends a text message to a contact on a channel, opening the conversation if needed.',
  callsApi: true,
  options: [
    ...CONVERSATION_OPTIONS,
    {
      name: 'message',
      type: 'string',
      valueName: '<text>',
      description: 'The text to send',
      required: true,
    },
  ],
  examples: [
    "afilnet-chat send --transport post --platform whatsapp --platform-id 100 --destination 34600000000 --message 'Hello'",
  ],
  async run(context) {
    const conversation = conversationFrom(context);
    await (await context.client()).sendMessage({
      ...conversation,
      message: context.required('message'),
    });
    context.print(
      { sent: true, ...conversation },
      () =>
        `Sent to ${printableText(conversation.destination)} on ${printableText(conversation.platform)} ${printableText(conversation.platformId)}.\n`,
    );
    return EXIT_CODES.OK;
  },
};
