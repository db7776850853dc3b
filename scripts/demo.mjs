// Starts the embedded sandbox and walks all six methods through every installed transport,
// printing a table transport × method with the result and latency.
import { createChatClient, TRANSPORT_NAMES } from '@afilnet-chat/core';
import { startSandbox, DEMO_ACCOUNT } from '@afilnet-chat/sandbox';

const sandbox = await startSandbox();
const credentials = { user: DEMO_ACCOUNT.user, password: DEMO_ACCOUNT.password };
const rows = [];
let failed = false;
for (const transport of TRANSPORT_NAMES) {
  const chat = createChatClient({ transport, baseUrl: sandbox.url, credentials, allowInsecureHttp: true });
  const destination = `3460000${rows.length}`;
  const conversation = { platform: 'whatsapp', platformId: '100', destination };
  const steps = [
    ['getchatchannels', () => chat.getChatChannels(), (r) => `${r.length} channels`],
    ['sendmessage', () => chat.sendMessage({ ...conversation, message: `Hello from ${transport}` }), () => 'sent'],
    ['sendfile', () => chat.sendFile({ ...conversation, type: 'image', fileUrl: 'https://example.com/cat.jpg' }), () => 'sent'],
    ['getchats', () => chat.getChats({ platform: 'whatsapp', platformId: '100' }), (r) => `${r.length} chats`],
    ['getmessages', () => chat.getMessages(conversation), (r) => `${r.length} messages`],
    [
      'getunreadmessages',
      () => {
        sandbox.injectInbound({ user: credentials.user, ...conversation, message: 'Hi!' });
        return chat.getUnreadMessages(conversation);
      },
      (r) => `${r.length} unread`,
    ],
  ];
  const row = { transport };
  for (const [method, run, describe] of steps) {
    const started = performance.now();
    try {
      const result = await run();
      row[method] = `${describe(result)} (${(performance.now() - started).toFixed(1)} ms)`;
    } catch (error) {
      if (error?.code === 'TRANSPORT_NOT_INSTALLED') {
        row[method] = 'not installed';
        continue;
      }
      failed = true;
      row[method] = `${error?.code ?? 'ERROR'}`;
    }
  }
  rows.push(row);
  await chat.close();
}
await sandbox.close();
console.table(rows);
process.exitCode = failed ? 1 : 0;
