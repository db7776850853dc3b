import { describe, expect, it } from 'vitest';
import type { HttpExecutor, HttpRequest, HttpSendOptions } from '@afilnet-chat/core/transport';
import { executorFetch, toFetchResponse } from './executor-fetch.js';

function recordingExecutor(status = 200, body = '{"ok":true}') {
  const sent: Array<{ request: HttpRequest; options: HttpSendOptions }> = [];
  const http: HttpExecutor = {
    async send(request, options) {
      sent.push({ request, options });
      return {
        status,
        headers: { 'content-type': 'application/json', 'www-authenticate': 'Bearer realm="x"' },
        body,
      };
    },
    close: async () => undefined,
  };
  return { http, sent };
}

describe('executorFetch', () => {
  it('sends through the executor with its own signal, a form body serialized as WHATWG forms are', async () => {
    const { http, sent } = recordingExecutor();
    const signal = new AbortController().signal;
    const seen: number[] = [];
    const fetch = executorFetch(http, signal, (r) => seen.push(r.status));
    const response = await fetch('https://as.example/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'a b' }),
    });
    expect(sent[0]?.request).toEqual({
      method: 'POST',
      url: 'https://as.example/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' },
      body: 'grant_type=client_credentials&scope=a+b',
    });
    expect(sent[0]?.options.signal).toBe(signal);
    expect(seen).toEqual([200]);
    expect(response.status).toBe(200);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="x"');
    await expect(response.json()).resolves.toEqual({ ok: true });
  });

  it('sends a GET without a body', async () => {
    const { http, sent } = recordingExecutor();
    await executorFetch(http, new AbortController().signal)('https://as.example/.well-known/x', {
      method: 'GET',
      headers: {},
    });
    expect(sent[0]?.request).toEqual({
      method: 'GET',
      url: 'https://as.example/.well-known/x',
      headers: {},
    });
  });

  it('refuses a method the executor cannot send', async () => {
    const { http } = recordingExecutor();
    await expect(
      executorFetch(http, new AbortController().signal)('https://x', {
        method: 'PUT',
        headers: {},
      }),
    ).rejects.toThrow(TypeError);
  });
});

describe('toFetchResponse', () => {
  it('gives a null-body status no body, as the Fetch standard requires', () => {
    const response = toFetchResponse({ status: 204, headers: {}, body: '' });
    expect(response.status).toBe(204);
    expect(response.body).toBeNull();
  });
});
