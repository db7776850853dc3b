import { describe, expect, it } from 'vitest';
import { hostAndPort, toTransportError } from './network-error.js';

const coded = (code: string) => Object.assign(new Error(`failed ${code}`), { code });
const live = new AbortController().signal;

describe('toTransportError', () => {
  it('says nothing was written for a DNS failure, a refusal or a connect timeout, even once handed over', () => {
    for (const code of ['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'UND_ERR_CONNECT_TIMEOUT']) {
      const error = toTransportError(
        coded(code),
        live,
        true,
        'https://api.example.com/api/http/?password=x',
      );
      expect(error.mayHaveBeenSent, code).toBe(false);
    }
  });

  it('trusts the executor when it knows the request was not written', () => {
    expect(
      toTransportError(coded('ECONNRESET'), live, false, 'http://127.0.0.1:9/').mayHaveBeenSent,
    ).toBe(false);
    expect(
      toTransportError(coded('ECONNRESET'), live, true, 'http://127.0.0.1:9/').mayHaveBeenSent,
    ).toBe(true);
  });

  it('names host:port in a NETWORK error, never the path, query or userinfo', () => {
    const error = toTransportError(
      coded('ECONNRESET'),
      live,
      true,
      'https://user:secret@api.example.com/api/http/?password=hunter2',
    );
    expect(error.code).toBe('NETWORK');
    expect(error.message).toBe(
      'The request to api.example.com:443 failed on the network (ECONNRESET)',
    );
  });
});

describe('hostAndPort', () => {
  it('writes the default port out', () => {
    expect(hostAndPort('http://example.com/x')).toBe('example.com:80');
    expect(hostAndPort('https://example.com:8443/x?y')).toBe('example.com:8443');
    expect(hostAndPort('http://[::1]:3000/')).toBe('[::1]:3000');
    expect(hostAndPort('not a url')).toBe('an invalid URL');
  });
});
