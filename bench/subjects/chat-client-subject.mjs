/** Our client, as a user runs it: `createChatClient` with a transport by name, default executor. */
import { createChatClient } from '@afilnet-chat/core';
import { CREDENTIALS, SEND_MESSAGE_INPUT } from './bench-input.mjs';

export async function setup({ baseUrl, transport }) {
  const client = createChatClient({
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
