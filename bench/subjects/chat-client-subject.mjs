/** Our client, as a user runs it: `createChatClient` with a transport by name, default executor. */
import { createChatClient } from '@afilnet-chat/core';
import { CREDENTIALS, SEND_MESSAGE_INPUT } from './bench-input.mjs';

/** The subject made from `create` (a `createChatClient`, of this copy of the packages or another). */
export function clientSubject(create, { baseUrl, transport }) {
  const client = create({
    transport,
    baseUrl,
    credentials: CREDENTIALS,
    allowInsecureHttp: true,
  });
  return {
    call: (method) =>
      method === 'sendmessage' ? client.sendMessage(SEND_MESSAGE_INPUT) : client.getChatChannels(),
    close: () => client.close(),
  };
}

export async function setup(options) {
  return clientSubject(createChatClient, options);
}
