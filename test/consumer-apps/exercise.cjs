/**
 * What every consumer does with the installed packages: each method through each transport
 * named by string, against the sandbox at AFILNET_SANDBOX_URL, then a refused call whose error
 * name and code are reported. CommonJS, so that ESM, CJS, Bun and Deno consumers share it.
 */
'use strict';

const TRANSPORTS = ['get', 'post', 'basic', 'soap', 'json-oauth'];

async function exercise(core, { transports = TRANSPORTS, executor } = {}) {
  const baseUrl = process.env.AFILNET_SANDBOX_URL;
  const tag = process.env.CONSUMER_TAG ?? '1';
  const results = [];
  for (const [index, transport] of transports.entries()) {
    const chat = core.createChatClient({
      transport,
      baseUrl,
      credentials: { user: 'demo@example.com', password: 'demo-password' },
      allowInsecureHttp: true,
      ...(executor ? { executor } : {}),
    });
    const conversation = {
      platform: 'whatsapp',
      platformId: '100',
      destination: `34${tag}${index}`,
    };
    try {
      const channels = await chat.getChatChannels();
      await chat.sendMessage({ ...conversation, message: `hello through ${transport}` });
      await chat.sendFile({
        ...conversation,
        type: 'image',
        fileUrl: 'https://example.com/cat.jpg',
      });
      const chats = await chat.getChats({
        platform: conversation.platform,
        platformId: conversation.platformId,
      });
      const messages = await chat.getMessages(conversation);
      const unread = await chat.getUnreadMessages(conversation);
      const refused = await chat
        .sendMessage({ ...conversation, platform: 'fax', message: 'x' })
        .then(
          () => 'not refused',
          (error) => `${error.name} ${error.code} ${error instanceof core.AfilnetValidationError}`,
        );
      results.push({
        transport,
        channels: channels.length,
        chatFound: chats.some((c) => c.destination === conversation.destination),
        messages: messages.length,
        unread: unread.length,
        refused,
      });
    } finally {
      await chat.close();
    }
  }
  return results;
}

module.exports = { exercise, TRANSPORTS };
