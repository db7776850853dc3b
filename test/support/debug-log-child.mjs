// Run by the secret-leak suite with NODE_DEBUG=afilnet-chat: makes calls through every row it is
// given (flavour, options, executor) against the test's server with the distinctive credentials,
// so that the debug lines on stderr can be scanned. Uses the built packages, as an app would.
import { createChatClient } from '@afilnet-chat/core';

const { url, credentials, rows } = JSON.parse(process.env.DEBUG_LOG_CHILD ?? '{}');
const conversation = { platform: 'whatsapp', platformId: '100', destination: '34600000000' };
for (const row of rows) {
  const client = createChatClient({
    ...row.config,
    baseUrl: url,
    credentials,
    allowInsecureHttp: true,
    retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 },
    timeoutMs: 5_000,
  });
  try {
    await client.getChatChannels().catch(() => undefined);
    await client.sendMessage({ ...conversation, message: 'debug me' }).catch(() => undefined);
  } finally {
    await client.close();
  }
}
