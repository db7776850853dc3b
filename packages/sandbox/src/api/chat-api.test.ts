import { describe, expect, it } from 'vitest';
import { handleChatCall, type ApiCall } from './chat-api.js';
import { DEMO_ACCOUNT, SandboxState } from '../state/sandbox-state.js';

const demo = {
  kind: 'password',
  user: DEMO_ACCOUNT.user,
  password: DEMO_ACCOUNT.password,
} as const;
const state = () =>
  new SandboxState([
    DEMO_ACCOUNT,
    {
      user: 'b@example.com',
      password: 'b-pw',
      channels: [{ platform: 'whatsapp', platformId: '100', name: 'B' }],
    },
  ]);
const call = (
  overrides: Partial<ApiCall> & { params?: Record<string, string | undefined> },
): ApiCall => ({
  auth: demo,
  class: 'chat',
  method: 'getchatchannels',
  ...overrides,
  params: overrides.params ?? {},
});
const codeOf = (s: SandboxState, c: ApiCall) => {
  const envelope = handleChatCall(s, c);
  return envelope.status === 'error' ? envelope.error : 'success';
};

describe('handleChatCall error precedence', () => {
  // Each row breaks one more thing than the row below it: the first broken rule must win.
  const cases: Array<[string, ApiCall]> = [
    [
      'MISSING_USER',
      call({ auth: { kind: 'password', user: '', password: '' }, class: '', method: '' }),
    ],
    [
      'MISSING_PASSWORD',
      call({ auth: { kind: 'password', user: 'x', password: undefined }, class: '', method: '' }),
    ],
    [
      'INCORRECT_USER_PASSWORD',
      call({ auth: { kind: 'password', user: DEMO_ACCOUNT.user, password: 'no' }, class: '' }),
    ],
    ['MISSING_CLASS', call({ class: undefined, method: 'nope' })],
    ['INCORRECT_CLASS', call({ class: 'sms', method: '' })],
    ['MISSING_METHOD', call({ method: '' })],
    ['INCORRECT_METHOD', call({ method: 'sendsms' })],
    [
      'MISSING_COMPULSORY_PARAM',
      call({
        method: 'sendfile',
        params: { platform: 'x', platformid: '1', destination: 'd', type: 'gif', fileurl: '' },
      }),
    ],
    [
      'CHANNEL_NOT_FOUND',
      call({
        method: 'sendfile',
        params: {
          platform: 'signal',
          platformid: '1',
          destination: 'd',
          type: 'gif',
          fileurl: 'x',
        },
      }),
    ],
    [
      'CHAT_NOT_FOUND',
      call({
        method: 'sendfile',
        params: {
          platform: 'whatsapp',
          platformid: '100',
          destination: 'd',
          type: 'gif',
          fileurl: 'x',
        },
      }),
    ],
  ];
  it.each(cases)('%s', (code, c) => {
    expect(codeOf(state(), c)).toBe(code);
  });

  it('orders sendfile codes: INCORRECT_FILETYPE, INCORRECT_FILEURL, INCORRECT_THUMBURL', () => {
    const s = state();
    const conv = { platform: 'whatsapp', platformid: '100', destination: 'd' };
    expect(codeOf(s, call({ method: 'sendmessage', params: { ...conv, message: 'hi' } }))).toBe(
      'success',
    );
    const file = (p: Record<string, string>) =>
      codeOf(s, call({ method: 'sendfile', params: { ...conv, ...p } }));
    expect(file({ type: 'gif', fileurl: 'bad', thumburl: 'bad' })).toBe('INCORRECT_FILETYPE');
    expect(file({ type: 'image', fileurl: 'bad', thumburl: 'bad' })).toBe('INCORRECT_FILEURL');
    expect(file({ type: 'image', fileurl: 'https://e.test/a.png', thumburl: 'bad' })).toBe(
      'INCORRECT_THUMBURL',
    );
    expect(file({ type: 'vid\u0065\u0301o', fileurl: 'https://e.test/a.mp4' })).toBe('success');
    expect(file({ type: 'voix', fileurl: 'https://e.test/a.ogg', thumburl: '' })).toBe('success');
  });

  it('answers every scalar as a string, with issent for unread messages', () => {
    const s = state();
    const conv = { platform: 'whatsapp', platformId: '100', destination: 'd' };
    s.append(DEMO_ACCOUNT.user, { ...conv, message: 'in', sent: false });
    const envelope = handleChatCall(
      s,
      call({
        method: 'getunreadmessages',
        params: { platform: 'whatsapp', platformid: '100', destination: 'd' },
      }),
    );
    expect(envelope).toMatchObject({
      status: 'success',
      result: [{ issent: '0', messageid: expect.any(String), status: 'unread' }],
    });
    const again = handleChatCall(
      s,
      call({
        method: 'getmessages',
        params: { platform: 'whatsapp', platformid: '100', destination: 'd' },
      }),
    );
    expect(again).toMatchObject({ status: 'success', result: [{ sent: '0', status: 'read' }] });
  });

  it('keeps accounts apart', () => {
    const s = state();
    handleChatCall(
      s,
      call({
        method: 'sendmessage',
        params: { platform: 'whatsapp', platformid: '100', destination: 'd', message: 'x' },
      }),
    );
    const b = { kind: 'password', user: 'b@example.com', password: 'b-pw' } as const;
    expect(
      codeOf(
        s,
        call({
          auth: b,
          method: 'getmessages',
          params: { platform: 'whatsapp', platformid: '100', destination: 'd' },
        }),
      ),
    ).toBe('CHAT_NOT_FOUND');
    expect(
      handleChatCall(
        s,
        call({ auth: b, method: 'getchats', params: { platform: 'whatsapp', platformid: '100' } }),
      ),
    ).toEqual({ status: 'success', result: [] });
    expect(
      codeOf(
        s,
        call({ auth: b, method: 'getchats', params: { platform: 'telegram', platformid: '200' } }),
      ),
    ).toBe('CHANNEL_NOT_FOUND');
  });
});
