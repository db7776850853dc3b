/**
 * Bad input through every flavour and executor: one `AfilnetValidationError` listing every
 * problem, and nothing sent.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { AfilnetValidationError, createChatClient, type ChatClient } from '@afilnet-chat/core';
import { DEMO } from './support/account.js';
import { MATRIX_ROWS } from './support/transport-cases.js';
import { captureWire, EXECUTORS, type WireCapture } from './support/wire-capture.js';

const ROWS = MATRIX_ROWS;

let capture: WireCapture | undefined;
let client: ChatClient | undefined;
afterEach(async () => {
  await client?.close();
  await capture?.done();
  client = undefined;
  capture = undefined;
});

describe.each(ROWS)('validation: $label', (row) => {
  const start = () => {
    capture = captureWire(row.executor, [], () => ({ status: 500, body: 'nothing may be sent' }));
    client = createChatClient({
      transport: row.case.name,
      credentials: DEMO,
      ...row.case.config,
      ...capture.clientConfig,
    });
    return client;
  };

  async function refusal(
    run: (c: ChatClient) => Promise<unknown>,
  ): Promise<AfilnetValidationError> {
    const c = start();
    const error = await run(c).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AfilnetValidationError);
    expect(capture?.requests).toEqual([]);
    return error as AfilnetValidationError;
  }

  it('lists every problem of a sendfile input at once', async () => {
    const error = await refusal((c) =>
      c.sendFile({
        platform: 'signal' as never,
        platformId: '',
        destination: undefined as never,
        type: 'pdf' as never,
        fileUrl: 'not a url',
        thumbUrl: 'ftp://example.com/t.jpg',
      }),
    );
    expect(error.code).toBe('INVALID_PARAMS');
    expect(error.issues.map((i) => i.path).sort()).toEqual([
      'destination',
      'fileUrl',
      'platform',
      'platformId',
      'thumbUrl',
      'type',
    ]);
    for (const path of ['platform', 'platformId', 'destination', 'type', 'fileUrl', 'thumbUrl']) {
      expect(error.message).toContain(path);
    }
  });

  it('refuses an empty message and a missing destination', async () => {
    const error = await refusal((c) =>
      c.sendMessage({ platform: 'whatsapp', platformId: '100', message: '' } as never),
    );
    expect(error.issues).toEqual([
      { path: 'destination', message: 'is required' },
      { path: 'message', message: 'must not be empty' },
    ]);
  });

  it('refuses an unknown platform', async () => {
    const error = await refusal((c) =>
      c.getChats({ platform: 'myspace' as never, platformId: '1' }),
    );
    expect(error.issues).toEqual([
      { path: 'platform', message: 'must be one of webchat, whatsapp, telegram, operator' },
    ]);
  });

  it('refuses an unknown file type and a non-URL fileUrl', async () => {
    const error = await refusal((c) =>
      c.sendFile({
        platform: 'whatsapp',
        platformId: '100',
        destination: 'd',
        type: 'gif' as never,
        fileUrl: '/relative.png',
      }),
    );
    expect(error.issues.map((i) => i.path)).toEqual(['type', 'fileUrl']);
  });

  it('refuses a lone surrogate, a non-string id and a misspelt field', async () => {
    const error = await refusal((c) =>
      c.getMessages({
        platform: 'whatsapp',
        platformId: 100 as never,
        destination: '\ud800',
        platformID: '1',
      } as never),
    );
    expect(error.issues.map((i) => i.path).sort()).toEqual(['', 'destination', 'platformId']);
    expect(error.message).toContain('unknown option platformID');
    expect(error.message).toContain('must be a string, not a number');
  });

  it('refuses a non-object input', async () => {
    const error = await refusal((c) => c.getChats('whatsapp' as never));
    expect(error.message).toContain('the input must be an object, not a string');
  });
});

describe.each(EXECUTORS.map((executor) => ({ executor })))(
  'GET URL limit ($executor)',
  ({ executor }) => {
    it('refuses a URL over 4,000 characters with URL_TOO_LONG, suggesting POST, and sends nothing', async () => {
      capture = captureWire(executor, [], () => ({ status: 500, body: '' }));
      client = createChatClient({ transport: 'get', credentials: DEMO, ...capture.clientConfig });
      const error = await client
        .sendMessage({
          platform: 'whatsapp',
          platformId: '100',
          destination: 'd',
          message: 'é'.repeat(700),
        })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AfilnetValidationError);
      expect(error).toMatchObject({ code: 'URL_TOO_LONG' });
      expect((error as Error).message).toMatch(/post/i);
      expect((error as Error).message).not.toContain(DEMO.password);
      expect(capture.requests).toEqual([]);
    });
  },
);
