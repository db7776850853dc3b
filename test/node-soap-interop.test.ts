/**
 * Interoperability with a standard SOAP toolkit (docs/behaviour.md#soap): node-soap loads the WSDL the sandbox
 * serves and calls the sandbox with its WSSecurity helper, PasswordText and PasswordDigest, and
 * its requests and our sandbox's answers agree with the SDK's client over the same state.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClientAsync, WSSecurity, type Client } from 'soap';
import { createChatClient } from '@afilnet-chat/core';
import { startSandbox, type Sandbox } from '@afilnet-chat/sandbox';
import { DEMO } from './support/account.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => {
  await sandbox.close();
});

type Call = (args: Record<string, string>) => Promise<[Record<string, unknown>, string]>;

async function toolkitClient(
  passwordType: 'PasswordText' | 'PasswordDigest',
  password: string = DEMO.password,
): Promise<Client> {
  const client = await createClientAsync(`${sandbox.url}/api/soap/?wsdl`);
  client.setSecurity(
    new WSSecurity(DEMO.user, password, { passwordType, hasTimeStamp: true, mustUnderstand: true }),
  );
  return client;
}

const call = (client: Client, operation: string): Call =>
  (client as unknown as Record<string, Call>)[`${operation}Async`] as Call;

const items = (result: Record<string, unknown>): unknown[] => {
  const list = (result.result as { item?: unknown } | null | undefined)?.item;
  return list === undefined ? [] : Array.isArray(list) ? list : [list];
};

describe('node-soap against the sandbox', () => {
  it('loads the WSDL with its six operations', async () => {
    const client = await toolkitClient('PasswordText');
    const description = client.describe() as Record<
      string,
      Record<string, Record<string, unknown>>
    >;
    const port = description.AfilnetChatService?.AfilnetChatPort ?? {};
    expect(Object.keys(port).sort()).toEqual([
      'getchatchannels',
      'getchats',
      'getmessages',
      'getunreadmessages',
      'sendfile',
      'sendmessage',
    ]);
  });

  it.each([['PasswordText' as const], ['PasswordDigest' as const]])(
    'calls every operation with WSSecurity %s',
    async (passwordType) => {
      const client = await toolkitClient(passwordType);
      const destination = `toolkit-${passwordType}`;
      const channel = { platform: 'telegram', platformid: '200' };

      const [channels] = await call(client, 'getchatchannels')({});
      expect(channels.status).toBe('success');
      expect(items(channels)).toContainEqual({
        platformid: '200',
        platform: 'telegram',
        name: 'Demo Telegram',
      });

      const [sent] = await call(
        client,
        'sendmessage',
      )({ ...channel, destination, message: 'a < b & "c" 😀' });
      expect(sent.status).toBe('success');
      const [file] = await call(
        client,
        'sendfile',
      )({ ...channel, destination, type: 'image', fileurl: 'https://files.example.com/a.png' });
      expect(file.status).toBe('success');

      sandbox.injectInbound({
        user: DEMO.user,
        platform: 'telegram',
        platformId: '200',
        destination,
        message: 'inbound',
      });
      const [messages] = await call(client, 'getmessages')({ ...channel, destination });
      expect(items(messages).map((m) => (m as { message: string }).message)).toEqual([
        'a < b & "c" 😀',
        'https://files.example.com/a.png',
        'inbound',
      ]);
      const [unread] = await call(client, 'getunreadmessages')({ ...channel, destination });
      expect(items(unread)).toEqual([expect.objectContaining({ message: 'inbound', issent: '0' })]);
      const [chats] = await call(client, 'getchats')({ ...channel });
      expect(items(chats)).toContainEqual(
        expect.objectContaining({ destination, message: 'inbound' }),
      );

      // The SDK's client sees what the toolkit wrote.
      const sdk = createChatClient({
        transport: 'soap',
        baseUrl: sandbox.url,
        credentials: DEMO,
        allowInsecureHttp: true,
        soap: { passwordType },
      });
      const seen = await sdk.getMessages({ platform: 'telegram', platformId: '200', destination });
      expect(seen.map((m) => m.message)).toEqual([
        'a < b & "c" 😀',
        'https://files.example.com/a.png',
        'inbound',
      ]);
      await sdk.close();
    },
  );

  it('gets API errors as normal responses', async () => {
    const [wrong] = await call(
      await toolkitClient('PasswordDigest', 'wrong'),
      'getchatchannels',
    )({});
    expect(wrong).toMatchObject({ status: 'error', error: 'INCORRECT_USER_PASSWORD' });
    const [missing] = await call(
      await toolkitClient('PasswordText'),
      'getmessages',
    )({ platform: 'whatsapp', platformid: '100', destination: 'nobody' });
    expect(missing).toMatchObject({ status: 'error', error: 'CHAT_NOT_FOUND' });
  });
});
