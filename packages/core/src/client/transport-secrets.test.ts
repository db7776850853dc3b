import { describe, expect, it } from 'vitest';
import { createChatClient } from './client.js';
import type { ChatTransport } from '../transport/transport.js';

describe("a transport's declared secrets", () => {
  it('are redacted from every error, though the configuration never named them', async () => {
    const secret = 'declared-only-secret';
    const leaky: ChatTransport = {
      name: 'leaky',
      security: 'high',
      secrets: [secret],
      send: async () => {
        throw new Error(
          `refused ${secret} (${encodeURIComponent(secret)}, ${JSON.stringify(secret)})`,
        );
      },
    };
    const chat = createChatClient({
      transport: leaky,
      credentials: { user: 'demo@example.com', password: 'config-password' },
    });
    try {
      const error = (await chat.getChatChannels().catch((e: unknown) => e)) as Error;
      const cause = error.cause as Error;
      expect(
        `${error.message} ${cause.message} ${cause.stack} ${JSON.stringify(error)}`,
      ).not.toContain(secret);
      expect(cause.message).toContain('[REDACTED]');
    } finally {
      await chat.close();
    }
  });
});
