// first-message.mjs: the first program in JavaScript (ESM); run it with `node first-message.mjs`.
// In a project whose package.json says "type": "module", a .js file works the same.
import { createChatClient } from '@afilnet-chat/core';
import { DEMO_ACCOUNT, startSandbox } from '@afilnet-chat/sandbox';

// The sandbox emulates the whole API on 127.0.0.1: no Afilnet account needed yet.
const sandbox = await startSandbox();
console.log(`sandbox running; open its inbox at ${sandbox.url}/`);

const chat = createChatClient({
  transport: 'json-oauth', // how credentials travel; there is no default
  baseUrl: sandbox.url, // leave out baseUrl and allowInsecureHttp to talk to Afilnet itself
  allowInsecureHttp: true, // the sandbox speaks plain http on loopback
  credentials: { user: DEMO_ACCOUNT.user, password: DEMO_ACCOUNT.password },
});

const channels = await chat.getChatChannels();
console.log(`channels: ${channels.map((c) => `${c.platform} ${c.platformId}`).join(', ')}`);

const conversation = { platform: 'whatsapp', platformId: '100', destination: '34600000000' };
await chat.sendMessage({ ...conversation, message: 'Hello from afilnet-chat' }); // resolves to nothing: the API returns no id
console.log(`sent "Hello from afilnet-chat" to ${conversation.destination}`);

// Play the customer: in the sandbox a reply is injected (or typed in its inbox page).
sandbox.injectInbound({
  user: DEMO_ACCOUNT.user,
  ...conversation,
  message: 'Hi! Where is my order?',
});

// Replies come by polling: the watch calls getunreadmessages every intervalMs until stopped.
for await (const reply of chat.watchUnreadMessages({ ...conversation, intervalMs: 1_000 })) {
  console.log(`reply from ${reply.destination}: ${reply.message}`);
  break; // stops the watch
}

const history = await chat.getMessages(conversation);
console.log(`the conversation holds ${history.length} messages`);

await chat.close();
await sandbox.close();
