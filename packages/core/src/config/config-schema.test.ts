import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { AfilnetValidationError } from '../errors/errors.js';
import { createChatClient } from '../client/client.js';
import { resolveTransportOptions } from '../transport/options.js';
import type { ChatTransport } from '../transport/transport.js';

const credentials = { user: 'demo@example.com', password: 'top-secret-pw' };

function refusal(config: unknown): AfilnetValidationError {
  try {
    createChatClient(config as never);
  } catch (error) {
    expect(error).toBeInstanceOf(AfilnetValidationError);
    return error as AfilnetValidationError;
  }
  throw new Error('createChatClient accepted the configuration');
}

describe('createChatClient configuration', () => {
  it('has no default transport: leaving it out lists the five with their ratings', () => {
    const error = refusal({ credentials });
    expect(error.code).toBe('INVALID_CONFIG');
    expect(error.message).toContain(
      "'get' (low), 'post' (medium), 'basic' (medium), 'soap' (medium-high), 'json-oauth' (high)",
    );
  });

  it('calls an unknown transport name INVALID_CONFIG', () => {
    const error = refusal({ transport: 'carrier-pigeon', credentials });
    expect(error.code).toBe('INVALID_CONFIG');
    expect(error.issues[0]?.path).toBe('transport');
  });

  it('lists every problem at once, naming options and types but never a secret value', () => {
    const error = refusal({
      transport: 'post',
      credentials: { user: 42, password: 'bad\r\npw-value' },
      timeoutMs: 'soon',
      extra: 1,
    });
    expect(error.issues.map((i) => i.path).sort()).toEqual([
      '',
      'credentials.password',
      'credentials.user',
      'timeoutMs',
    ]);
    expect(error.message).toContain('must be a string, not a number');
    expect(error.message).toContain('must not contain CR or LF');
    expect(error.message).not.toContain('pw-value');
    expect(JSON.stringify(error)).not.toContain('pw-value');
  });

  it('requires credentials', () => {
    expect(refusal({ transport: 'post' }).issues).toEqual([
      { path: 'credentials', message: 'is required (user and password)' },
    ]);
  });

  it("refuses a basic user containing ':'", () => {
    const error = refusal({ transport: 'basic', credentials: { user: 'a:b', password: 'p' } });
    expect(error.code).toBe('INVALID_CONFIG');
    expect(error.issues[0]?.path).toBe('credentials.user');
  });

  it('refuses http:// URLs unless allowInsecureHttp, listing each', () => {
    const error = refusal({
      transport: 'json-oauth',
      credentials,
      baseUrl: 'http://api.example.com',
      oauth: { tokenUrl: 'http://auth.example.com/token' },
    });
    expect(error.code).toBe('INSECURE_URL');
    expect(error.issues.map((i) => i.path)).toEqual(['baseUrl', 'oauth.tokenUrl']);
    expect(() =>
      createChatClient({
        transport: 'post',
        credentials,
        baseUrl: 'http://127.0.0.1:1',
        allowInsecureHttp: true,
      }),
    ).not.toThrow();
  });

  it('refuses a transport rated below minimumSecurity, by name or instance', () => {
    expect(refusal({ transport: 'get', credentials, minimumSecurity: 'medium' }).code).toBe(
      'SECURITY_BELOW_MINIMUM',
    );
    expect(refusal({ transport: 'post', credentials, minimumSecurity: 'medium-high' }).code).toBe(
      'SECURITY_BELOW_MINIMUM',
    );
    const weak: ChatTransport = {
      name: 'custom',
      security: 'low',
      send: async () => ({ httpStatus: 200, payload: { kind: 'unparseable', reason: '' } }),
    };
    expect(refusal({ transport: weak, credentials, minimumSecurity: 'high' }).message).toContain(
      'custom transport is rated low',
    );
    expect(() =>
      createChatClient({ transport: 'json-oauth', credentials, minimumSecurity: 'high' }),
    ).not.toThrow();
  });

  it('takes oauth.requireDpop as a boolean, naming it otherwise', () => {
    expect(() =>
      createChatClient({ transport: 'json-oauth', credentials, oauth: { requireDpop: true } }),
    ).not.toThrow();
    const error = refusal({ transport: 'json-oauth', credentials, oauth: { requireDpop: 'yes' } });
    expect(error.code).toBe('INVALID_CONFIG');
    expect(error.issues.map((i) => i.path)).toEqual(['oauth.requireDpop']);
  });

  it('refuses an object that is not a transport', () => {
    expect(refusal({ transport: { name: 'x' }, credentials }).code).toBe('INVALID_CONFIG');
  });
});

describe('URLs with credentials in them', () => {
  const SECRET = 'url-s3cret-Pw';
  const HOST = 'api.url-check.example';
  /** URLs carrying a user, a password or both, percent-encoded or not, on https and http. */
  const URLS: ReadonlyArray<readonly [form: string, url: string]> = [
    ['user and password', `https://demo:${SECRET}@${HOST}/`],
    ['a percent-encoded user', `https://${encodeURIComponent(`${SECRET}+/`)}@${HOST}`],
    ['a password alone', `https://:${SECRET}@${HOST}/api`],
    ['http, an e-mail as user, a port', `http://demo%40example.com:${SECRET}@${HOST}:8080/`],
    ['a user and an empty password', `https://${SECRET}:@${HOST}`],
  ];
  const OPTIONS = ['baseUrl', 'oauth.tokenUrl', 'oauth.issuer'] as const;

  const configWith = (option: (typeof OPTIONS)[number], url: string) => ({
    transport: 'json-oauth',
    credentials,
    allowInsecureHttp: true,
    executor: 'fetch',
    ...(option === 'baseUrl'
      ? { baseUrl: url }
      : { oauth: { [option.slice('oauth.'.length)]: url } }),
  });

  /** Every view of an error and its causes a log or terminal could show. */
  function everyView(error: unknown): string {
    const views: string[] = [];
    for (let current: unknown = error, depth = 0; current !== undefined && depth < 8; depth += 1) {
      views.push(
        String(current),
        JSON.stringify(current),
        inspect(current, { depth: 8, showHidden: true }),
      );
      if (current instanceof Error) views.push(current.message, current.stack ?? '');
      current = current instanceof Error ? current.cause : undefined;
    }
    return views.join('\n');
  }

  // The titles name the form, not the URL: a test report is output too.
  it.each(OPTIONS.flatMap((option) => URLS.map(([form, url]) => ({ option, form, url }))))(
    '$option with $form is INVALID_CONFIG naming the option only',
    ({ option, url }) => {
      const error = refusal(configWith(option, url));
      expect(error.code).toBe('INVALID_CONFIG');
      expect(error.issues).toEqual([
        { path: option, message: expect.stringContaining('must not contain a user or password') },
      ]);
      expect(error.message).toContain(option);
      const seen = everyView(error);
      for (const needle of [SECRET, encodeURIComponent(SECRET), HOST])
        expect(seen).not.toContain(needle);
    },
  );

  it('are refused by a transport factory called by hand too', () => {
    const error = (() => {
      try {
        resolveTransportOptions('post', {
          credentials,
          baseUrl: `https://demo:${SECRET}@${HOST}/`,
        });
      } catch (caught) {
        return caught;
      }
      throw new Error('resolveTransportOptions accepted the URL');
    })();
    expect(error).toBeInstanceOf(AfilnetValidationError);
    expect((error as AfilnetValidationError).issues.map((i) => i.path)).toEqual(['baseUrl']);
    expect(everyView(error)).not.toContain(SECRET);
  });

  it('leave URLs whose path, query or fragment holds an @ alone', () => {
    for (const url of [`https://${HOST}/a@b`, `https://${HOST}/?to=a@b`, `https://${HOST}/#@x`]) {
      expect(() =>
        createChatClient({ transport: 'post', credentials, baseUrl: url }),
      ).not.toThrow();
    }
  });
});
