import { describe, expect, it, vi } from 'vitest';
import { AfilnetValidationError } from '@afilnet-chat/core';
import type { HttpExecutor, HttpRequest } from '@afilnet-chat/core/transport';
import { createSoapTransport } from './create-soap-transport.js';

const readers = vi.hoisted(() => ({ created: 0 }));
vi.mock('@afilnet-chat/soap-xml', async (importOriginal) => {
  const original = await importOriginal<typeof import('@afilnet-chat/soap-xml')>();
  // Each reader owns one parser (checked in soap-xml), so counting readers counts parsers.
  const createXmlReader: typeof original.createXmlReader = () => {
    readers.created++;
    return original.createXmlReader();
  };
  return { ...original, createXmlReader };
});

function recordingExecutor(body = ''): { http: HttpExecutor; sent: HttpRequest[] } {
  const sent: HttpRequest[] = [];
  return {
    sent,
    http: {
      async send(request) {
        sent.push(request);
        return { status: 200, headers: {}, body };
      },
      async close() {},
    },
  };
}

const context = (http: HttpExecutor) => ({
  http,
  signal: new AbortController().signal,
  registerSecret: () => {},
});

describe('createSoapTransport', () => {
  it('is named soap and rated medium-high', () => {
    const t = createSoapTransport({ credentials: { user: 'u', password: 'p' } });
    expect([t.name, t.security]).toEqual(['soap', 'medium-high']);
  });

  it('builds one XML reader per transport, never one per call', async () => {
    const { http } = recordingExecutor(
      '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><c:getchatchannelsResponse xmlns:c="urn:afilnet:chat"><status>success</status><result/></c:getchatchannelsResponse></s:Body></s:Envelope>',
    );
    const before = readers.created;
    const t = createSoapTransport({ credentials: { user: 'u', password: 'p' } });
    for (let i = 0; i < 3; i++) {
      const response = await t.send({ method: 'getchatchannels', params: [] }, context(http));
      expect(response.payload).toEqual({
        kind: 'envelope',
        value: { status: 'success', result: '' },
      });
    }
    expect(readers.created - before).toBe(1);
  });

  it("declares the password for the client's redactor", () => {
    expect(
      createSoapTransport({ credentials: { user: 'u', password: 'pw-123' } }).secrets,
    ).toContain('pw-123');
  });

  it('refuses values XML 1.0 cannot carry before sending, listing each by its API name', async () => {
    const { http, sent } = recordingExecutor();
    const t = createSoapTransport({ credentials: { user: 'u', password: 'p' } });
    const error = await t
      .send(
        {
          method: 'sendmessage',
          params: [
            ['platform', 'whatsapp'],
            ['platformid', '1\u0000'],
            ['destination', 'd'],
            ['message', 'bell \u0007'],
          ],
        },
        context(http),
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AfilnetValidationError);
    expect(error).toMatchObject({ code: 'INVALID_PARAMS' });
    expect((error as AfilnetValidationError).issues.map((i) => i.path)).toEqual([
      'platformId',
      'message',
    ]);
    expect(sent).toHaveLength(0);
  });

  it('sends a fresh nonce and Created with every digest request', async () => {
    const { http, sent } = recordingExecutor();
    const t = createSoapTransport({
      credentials: { user: 'u', password: 'p' },
      soap: { passwordType: 'PasswordDigest' },
    });
    await t.send({ method: 'getchatchannels', params: [] }, context(http));
    await t.send({ method: 'getchatchannels', params: [] }, context(http));
    const nonces = sent.map((r) => /<wsse:Nonce[^>]*>([^<]+)</.exec(r.body ?? '')?.[1]);
    expect(nonces[0]).toBeDefined();
    expect(nonces[0]).not.toBe(nonces[1]);
  });

  it.each([
    [{ user: 'u\u0001', password: 'p' }, 'credentials.user'],
    [{ user: 'u', password: 'p\uFFFF' }, 'credentials.password'],
    [{ user: 'u', password: 'p\r\n' }, 'credentials.password'],
  ])('refuses credentials %j with INVALID_CONFIG', (credentials, path) => {
    let error: unknown;
    try {
      createSoapTransport({ credentials });
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'INVALID_CONFIG' });
    expect((error as AfilnetValidationError).issues.map((i) => i.path)).toContain(path);
  });
});
