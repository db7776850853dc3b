// TypeScript consumer compiled to CommonJS under nodenext: require() of the ESM packages.
import { AfilnetValidationError, createChatClient, type ChatChannel } from '@afilnet-chat/core';
import { createSoapTransport } from '@afilnet-chat/transport-soap';

async function main(): Promise<void> {
  const chat = createChatClient({
    transport: createSoapTransport({
      baseUrl: process.env.AFILNET_SANDBOX_URL ?? '',
      credentials: { user: 'demo@example.com', password: 'demo-password' },
      allowInsecureHttp: true,
    }),
    baseUrl: process.env.AFILNET_SANDBOX_URL ?? '',
    credentials: { user: 'demo@example.com', password: 'demo-password' },
    allowInsecureHttp: true,
  });
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
}

void main();
