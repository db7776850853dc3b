// TypeScript consumer (ESM under nodenext, and type-checked under moduleResolution bundler).
import { AfilnetValidationError, createChatClient, type ChatChannel, type ChatClientConfig } from '@afilnet-chat/core';
import { registerTransport, type TransportFactory } from '@afilnet-chat/core/transport';
import { createPostTransport } from '@afilnet-chat/transport-post';

const factory: TransportFactory = createPostTransport;
registerTransport('post', factory);
const config: ChatClientConfig = {
  transport: 'post',
  baseUrl: process.env.AFILNET_SANDBOX_URL ?? '',
  credentials: { user: 'demo@example.com', password: 'demo-password' },
  allowInsecureHttp: true,
};
const chat = createChatClient(config);
const channels: ChatChannel[] = await chat.getChatChannels();
const error: unknown = await chat.getChats({ platform: 'whatsapp', platformId: '' }).catch((e: unknown) => e);
await chat.close();
console.log(JSON.stringify({ channels: channels.length, refused: error instanceof AfilnetValidationError ? error.code : 'no' }));
