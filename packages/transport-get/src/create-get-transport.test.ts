import { describe, expect, it } from 'vitest';
import type { HttpExecutor, HttpRequest } from '@afilnet-chat/core/transport';
import { createGetTransport, MAX_GET_URL_LENGTH } from './create-get-transport.js';
import { CREDENTIALS_IN_URL_WARNING } from './warn-credentials-in-url.js';

const credentials = { user: 'demo@example.com', password: 'get-warning-pw' };

function recordingExecutor(sent: HttpRequest[]): HttpExecutor {
  return {
    close: async () => undefined,
    send: async (request) => {
      sent.push(request);
      return { status: 200, headers: {}, body: '{"status":"success","result":[]}' };
    },
  };
}

describe('createGetTransport', () => {
  it('warns once per process that credentials travel in the URL, without quoting them', async () => {
    const warnings: Error[] = [];
    const listener = (warning: Error) => warnings.push(warning);
    process.on('warning', listener);
    try {
      const sent: HttpRequest[] = [];
      const context = {
        http: recordingExecutor(sent),
        signal: new AbortController().signal,
        registerSecret: () => undefined,
      };
      const transport = createGetTransport({ credentials, baseUrl: 'https://api.example.com' });
      await transport.send({ method: 'getchatchannels', params: [] }, context);
      await createGetTransport({ credentials }).send(
        { method: 'getchatchannels', params: [] },
        context,
      );
      await new Promise((resolve) => setImmediate(resolve));
      const ours = warnings.filter(
        (w) => (w as Error & { code?: string }).code === CREDENTIALS_IN_URL_WARNING,
      );
      expect(ours).toHaveLength(1);
      expect(ours[0]?.name).toBe('SecurityWarning');
      expect(ours[0]?.message).not.toContain(credentials.password);
      expect(sent.map((r) => r.url)).toEqual([
        'https://api.example.com/api/http/?class=chat&method=getchatchannels&user=demo%40example.com&password=get-warning-pw',
        'https://www.afilnet.com/api/http/?class=chat&method=getchatchannels&user=demo%40example.com&password=get-warning-pw',
      ]);
    } finally {
      process.off('warning', listener);
    }
  });

  it('counts the full URL against the 4,000-character limit', async () => {
    const sent: HttpRequest[] = [];
    const context = {
      http: recordingExecutor(sent),
      signal: new AbortController().signal,
      registerSecret: () => undefined,
    };
    const transport = createGetTransport({ credentials, baseUrl: 'https://a.example' });
    const prefix =
      'https://a.example/api/http/?class=chat&method=sendmessage&user=demo%40example.com&password=get-warning-pw&message=';
    const fits = 'x'.repeat(MAX_GET_URL_LENGTH - prefix.length);
    await transport.send({ method: 'sendmessage', params: [['message', fits]] }, context);
    expect(sent[0]?.url.length).toBe(MAX_GET_URL_LENGTH);
    await expect(
      transport.send({ method: 'sendmessage', params: [['message', `${fits}x`]] }, context),
    ).rejects.toMatchObject({
      code: 'URL_TOO_LONG',
    });
    expect(sent).toHaveLength(1);
  });
});
