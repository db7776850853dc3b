// TypeScript consumer (ESM under nodenext, and type-checked under moduleResolution bundler).
import {
  AfilnetValidationError,
  createChatClient,
  type ChatChannel,
  type ChatClientConfig,
  type TransportDefinition,
} from '@afilnet-chat/core';
import { BUILT_IN_TRANSPORTS } from '@afilnet-chat/core/constants';
import { createPostTransport } from '@afilnet-chat/transport-post';

// A transport given as a definition (name, rating, factory), as one of your own would be.
const post: TransportDefinition = {
  name: 'post',
  security: BUILT_IN_TRANSPORTS.post.security,
  create: createPostTransport,
};
const config: ChatClientConfig = {
  transport: post,
  baseUrl: process.env.AFILNET_SANDBOX_URL ?? '',
  credentials: { user: 'demo@example.com', password: 'demo-password' },
  allowInsecureHttp: true,
};
const chat = createChatClient(config);
const channels: ChatChannel[] = await chat.getChatChannels();
const error: unknown = await chat
  .getChats({ platform: 'whatsapp', platformId: '' })
  .catch((e: unknown) => e);
await chat.close();
console.log(
  JSON.stringify({
    channels: channels.length,
    refused: error instanceof AfilnetValidationError ? error.code : 'no',
  }),
);
