/** `afilnet-chat send-file`: sends a file by URL (`sendfile`). */
import type { SendFileInput } from '@afilnet-chat/core';
import { FILE_TYPES } from '@afilnet-chat/core/constants';
import type { Command } from '../command.js';
import { CONVERSATION_OPTIONS, conversationFrom } from '../conversation-options.js';
import { EXIT_CODES } from '../exit-codes.js';
import { printableText } from '../printable-text.js';

/** Sends a file. */
export const sendFileCommand: Command = {
  name: 'send-file',
  summary: 'Send a file by URL (sendfile)',
  description:
    'Sends a file that the API fetches from a URL. The conversation must exist: send a message first.',
  callsApi: true,
  options: [
    ...CONVERSATION_OPTIONS,
    {
      name: 'type',
      type: 'string',
      valueName: '<type>',
      description: `The file's type: ${FILE_TYPES.join(', ')}`,
      required: true,
    },
    {
      name: 'file-url',
      type: 'string',
      valueName: '<url>',
      description: 'Where the API fetches the file',
      required: true,
    },
    {
      name: 'thumb-url',
      type: 'string',
      valueName: '<url>',
      description: 'A thumbnail image (optional)',
    },
    { name: 'message', type: 'string', valueName: '<text>', description: 'A caption (optional)' },
  ],
  examples: [
    'afilnet-chat send-file --transport post --platform whatsapp --platform-id 100 --destination 34600000000 --type image --file-url https://example.com/cat.jpg',
  ],
  async run(context) {
    const conversation = conversationFrom(context);
    const thumbUrl = context.text('thumb-url');
    const message = context.text('message');
    const input: SendFileInput = {
      ...conversation,
      type: context.required('type') as SendFileInput['type'],
      fileUrl: context.required('file-url'),
      ...(thumbUrl === undefined ? {} : { thumbUrl }),
      ...(message === undefined ? {} : { message }),
    };
    await (await context.client()).sendFile(input);
    context.print(
      { sent: true, ...conversation },
      () =>
        `Sent the file to ${printableText(conversation.destination)} on ${printableText(conversation.platform)} ${printableText(conversation.platformId)}.\n`,
    );
    return EXIT_CODES.OK;
  },
};
