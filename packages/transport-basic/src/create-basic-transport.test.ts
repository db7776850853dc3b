import { describe, expect, it } from 'vitest';
import { AfilnetValidationError } from '@afilnet-chat/core';
import type { HttpExecutor, HttpRequest, WireRequest } from '@afilnet-chat/core/transport';
import { createBasicTransport } from './create-basic-transport.js';

function recordingExecutor(): { http: HttpExecutor; sent: HttpRequest[] } {
  const sent: HttpRequest[] = [];
  return {
    sent,
    http: {
      async send(request) {
        sent.push(request);
        return { status: 200, headers: {}, body: '{"status":"success","result":null}' };
      },
      async close() {},
    },
  };
}

const REQUEST: WireRequest = {
  method: 'sendmessage',
  params: [
    ['platform', 'whatsapp'],
    ['platformid', '100'],
    ['destination', '1'],
    ['message', 'a b'],
  ],
};

async function send(options: Parameters<typeof createBasicTransport>[0]): Promise<HttpRequest> {
  const { http, sent } = recordingExecutor();
  await createBasicTransport(options).send(REQUEST, {
    http,
    signal: new AbortController().signal,
    registerSecret: () => {},
  });
  return sent[0] as HttpRequest;
}

describe('createBasicTransport', () => {
  it('is named basic and rated medium', () => {
    const t = createBasicTransport({ credentials: { user: 'u', password: 'p' } });
    expect([t.name, t.security]).toEqual(['basic', 'medium']);
  });

  it('builds the header from raw UTF-8 (RFC 7617), not form-encoded', async () => {
    const request = await send({ credentials: { user: 'josé@example.com', password: 'pä ss%+' } });
    // base64 of the UTF-8 bytes of "josé@example.com:pä ss%+", computed by hand from the bytes.
    const expected = Buffer.from([
      0x6a, 0x6f, 0x73, 0xc3, 0xa9, 0x40, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x2e, 0x63,
      0x6f, 0x6d, 0x3a, 0x70, 0xc3, 0xa4, 0x20, 0x73, 0x73, 0x25, 0x2b,
    ]).toString('base64');
    expect(request.headers.authorization).toBe(`Basic ${expected}`);
  });

  it('POSTs a form body without credentials by default', async () => {
    const request = await send({
      baseUrl: 'https://x.test',
      credentials: { user: 'u@x', password: 'secret-pw' },
    });
    expect(request.method).toBe('POST');
    expect(request.url).toBe('https://x.test/api/basic/');
    expect(request.body).toBe(
      'class=chat&method=sendmessage&platform=whatsapp&platformid=100&destination=1&message=a%20b',
    );
    expect(`${request.url} ${request.body}`).not.toMatch(/secret-pw|u%40x|user=|password=/);
  });

  it('GETs with the fields in the query string when basic.method is GET', async () => {
    const request = await send({
      baseUrl: 'https://x.test',
      credentials: { user: 'u@x', password: 'secret-pw' },
      basic: { method: 'GET' },
    });
    expect(request.method).toBe('GET');
    expect(request.url).toBe(
      'https://x.test/api/basic/?class=chat&method=sendmessage&platform=whatsapp&platformid=100&destination=1&message=a%20b',
    );
    expect(request.body).toBeUndefined();
    expect(request.headers['content-type']).toBeUndefined();
  });

  it("declares the password and the header value for the client's redactor", () => {
    const transport = createBasicTransport({ credentials: { user: 'u', password: 'pw-123' } });
    expect(transport.secrets).toEqual(
      expect.arrayContaining(['pw-123', Buffer.from('u:pw-123').toString('base64')]),
    );
  });

  it.each([
    [{ user: 'a:b', password: 'p' }, 'credentials.user'],
    [{ user: 'a', password: 'p\r\nX-Evil: 1' }, 'credentials.password'],
    [{ user: 'a\n', password: 'p' }, 'credentials.user'],
    [{ user: '', password: 'p' }, 'credentials.user'],
  ])('refuses %j with INVALID_CONFIG at construction', (credentials, path) => {
    let error: unknown;
    try {
      createBasicTransport({ credentials });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AfilnetValidationError);
    expect(error).toMatchObject({ code: 'INVALID_CONFIG' });
    expect((error as AfilnetValidationError).issues.map((i) => i.path)).toContain(path);
    expect(JSON.stringify(error) + String((error as Error).stack)).not.toContain('X-Evil');
  });

  it('lists every problem at once', () => {
    expect(() => createBasicTransport({ credentials: { user: 'a:b\n', password: '\r' } })).toThrow(
      expect.objectContaining({
        issues: expect.arrayContaining([expect.objectContaining({ path: 'credentials.password' })]),
      }),
    );
  });

  it('refuses missing credentials', () => {
    expect(() => createBasicTransport({})).toThrow(
      expect.objectContaining({ code: 'INVALID_CONFIG' }),
    );
  });
});
