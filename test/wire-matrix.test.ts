/**
 * Wire tests: every method × every flavour × both executors. Each asserts the exact request
 * (method, path, query or body, headers) and the decoding of the answer, every tolerance case
 * of result decoding (docs/behaviour.md#results), and that every error code reaches the caller as `AfilnetApiError`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  AfilnetApiError,
  AfilnetTransportError,
  createChatClient,
  type ChatClient,
} from '@afilnet-chat/core';
import { DEMO } from './support/account.js';
import { DECODED_MESSAGE } from './support/result-fixtures.js';
import { ALL_ERROR_CODES, SAMPLE_CALLS, type SampleCall } from './support/sample-calls.js';
import { MATRIX_ROWS, type TransportCase } from './support/transport-cases.js';
import {
  captureWire,
  type CapturedRequest,
  type ExecutorName,
  type WireCapture,
} from './support/wire-capture.js';

const ROWS = MATRIX_ROWS;
const JSON_ROWS = ROWS.filter((r) => r.case.bodyFormat === 'json');

const MESSAGE_ITEM = {
  platformid: '100',
  platform: 'whatsapp',
  message: 'hello',
  destination: '34600000000',
  messageid: '42',
  sent: '1',
  status: 'sent',
  datetime: '2024-05-01 10:00:00',
};
const CHANNEL_ITEM = { platformid: '100', platform: 'whatsapp', name: 'Sales' };
const DECODED_CHANNEL = { platformId: '100', platform: 'whatsapp', name: 'Sales' };

function successResult(method: string): unknown {
  if (method === 'getchatchannels') return [CHANNEL_ITEM];
  if (method === 'sendmessage' || method === 'sendfile') return null;
  return [MESSAGE_ITEM];
}
function decodedResult(method: string): unknown {
  if (method === 'getchatchannels') return [DECODED_CHANNEL];
  if (method === 'sendmessage' || method === 'sendfile') return undefined;
  return [DECODED_MESSAGE];
}

let capture: WireCapture | undefined;
let client: ChatClient | undefined;

afterEach(async () => {
  await client?.close();
  client = undefined;
  await capture?.done();
  capture = undefined;
});

function start(
  row: { case: TransportCase; executor: ExecutorName },
  envelope: unknown,
  call: SampleCall,
): { client: ChatClient; requests: CapturedRequest[] } {
  const methods = row.case.expectedRequests(call.method, call.wire, DEMO).map((r) => r.method);
  capture = captureWire(row.executor, methods, (request) => row.case.answer(request, envelope));
  client = createChatClient({
    transport: row.case.name,
    credentials: DEMO,
    ...row.case.config,
    ...capture.clientConfig,
  });
  return { client, requests: capture.requests };
}

function invoke(c: ChatClient, call: SampleCall): Promise<unknown> {
  const fn = c[call.api] as (input?: unknown) => Promise<unknown>;
  return call.input === undefined ? fn() : fn(call.input);
}

function assertRequests(
  row: { case: TransportCase },
  call: SampleCall,
  requests: CapturedRequest[],
): void {
  const expected = row.case.expectedRequests(call.method, call.wire, DEMO);
  expect(requests).toHaveLength(expected.length);
  expected.forEach((want, i) => {
    const got = requests[i] as CapturedRequest;
    expect(got.method).toBe(want.method);
    expect(got.path).toBe(want.path);
    for (const [name, value] of Object.entries(want.headers))
      expect(got.headers[name], `header ${name}`).toBe(value);
    for (const name of want.absentHeaders ?? [])
      expect(got.headers[name], `header ${name}`).toBeUndefined();
    if (typeof want.body === 'string') expect(got.body).toBe(want.body);
    else want.body(got.body);
  });
}

describe.each(ROWS)('wire: $label', (row) => {
  it.each(SAMPLE_CALLS.map((c) => ({ ...c, name: c.method })))(
    '$name sends the exact request and decodes the answer',
    async (call) => {
      const { client, requests } = start(
        row,
        { status: 'success', result: successResult(call.method) },
        call,
      );
      await expect(invoke(client, call)).resolves.toEqual(decodedResult(call.method));
      assertRequests(row, call, requests);
    },
  );

  it.each(ALL_ERROR_CODES.map((code) => ({ code })))(
    'error $code reaches the caller as AfilnetApiError',
    async ({ code }) => {
      const call = SAMPLE_CALLS.find((c) => c.method === 'sendfile') as SampleCall;
      const { client } = start(row, { status: 'error', error: code }, call);
      const error = await invoke(client, call).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AfilnetApiError);
      expect(error).toMatchObject({ code, name: 'AfilnetApiError' });
    },
  );

  it('keeps an error code it does not know as is', async () => {
    const { client } = start(
      row,
      { status: 'error', error: 'SOMETHING_NEW' },
      SAMPLE_CALLS[0] as SampleCall,
    );
    await expect(client.getChatChannels()).rejects.toMatchObject({ code: 'SOMETHING_NEW' });
  });
});

describe.each(JSON_ROWS)('decoding tolerance: $label', (row) => {
  const listCall = SAMPLE_CALLS.find((c) => c.method === 'getmessages') as SampleCall;
  const unreadCall = SAMPLE_CALLS.find((c) => c.method === 'getunreadmessages') as SampleCall;
  const sendCall = SAMPLE_CALLS.find((c) => c.method === 'sendmessage') as SampleCall;

  it('accepts SUCCESS in any case', async () => {
    const { client } = start(row, { status: 'SUCCESS', result: [MESSAGE_ITEM] }, listCall);
    await expect(invoke(client, listCall)).resolves.toEqual([DECODED_MESSAGE]);
  });

  it('accepts numbers and booleans for scalars; ids stay strings', async () => {
    const { client } = start(
      row,
      {
        status: 'success',
        result: [
          { ...MESSAGE_ITEM, platformid: 100, messageid: 42, destination: 34600000000, sent: true },
        ],
      },
      listCall,
    );
    await expect(invoke(client, listCall)).resolves.toEqual([DECODED_MESSAGE]);
  });

  it.each([
    ['"0"', '0', false],
    ['0', 0, false],
    ['false', false, false],
    ['"true"', 'true', true],
    ['1', 1, true],
  ])('reads sent %s', async (_label, sent, expected) => {
    const { client } = start(
      row,
      { status: 'success', result: [{ ...MESSAGE_ITEM, sent }] },
      listCall,
    );
    const [message] = (await invoke(client, listCall)) as Array<{ sent: boolean }>;
    expect(message?.sent).toBe(expected);
  });

  it('accepts {"list": [...]}', async () => {
    const { client } = start(
      row,
      { status: 'success', result: { list: [MESSAGE_ITEM] } },
      listCall,
    );
    await expect(invoke(client, listCall)).resolves.toEqual([DECODED_MESSAGE]);
  });

  it.each([[''], [null], [[]], [{ list: [] }]])('reads %j as an empty list', async (result) => {
    const { client } = start(row, { status: 'success', result }, listCall);
    await expect(invoke(client, listCall)).resolves.toEqual([]);
  });

  it('reads issent for getunreadmessages', async () => {
    const { sent: _sent, ...rest } = MESSAGE_ITEM;
    const { client } = start(
      row,
      { status: 'success', result: [{ ...rest, issent: '0' }] },
      unreadCall,
    );
    await expect(invoke(client, unreadCall)).resolves.toEqual([
      { ...DECODED_MESSAGE, sent: false },
    ]);
  });

  it('gives exactly the documented fields, no others', async () => {
    const { client } = start(
      row,
      { status: 'success', result: [{ ...MESSAGE_ITEM, extra: 'x', __proto__x: 'y' }] },
      listCall,
    );
    const [message] = (await invoke(client, listCall)) as object[];
    expect(Object.keys(message as object).sort()).toEqual(Object.keys(DECODED_MESSAGE).sort());
  });

  it('keeps an unknown platform in a result as a plain string', async () => {
    const { client } = start(
      row,
      { status: 'success', result: [{ ...CHANNEL_ITEM, platform: 'signal' }] },
      SAMPLE_CALLS[0] as SampleCall,
    );
    await expect(client.getChatChannels()).resolves.toEqual([
      { ...DECODED_CHANNEL, platform: 'signal' },
    ]);
  });

  it.each([[undefined], [null], [''], [[]], [{}]])(
    'accepts %j as the "none" result of a send',
    async (result) => {
      const envelope = result === undefined ? { status: 'success' } : { status: 'success', result };
      const { client } = start(row, envelope, sendCall);
      await expect(invoke(client, sendCall)).resolves.toBeUndefined();
    },
  );

  it('calls a list item without its fields MALFORMED_RESPONSE', async () => {
    const { client } = start(row, { status: 'success', result: [{ platformid: '1' }] }, listCall);
    const error = await invoke(client, listCall).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AfilnetTransportError);
    expect(error).toMatchObject({ code: 'MALFORMED_RESPONSE', mayHaveBeenSent: false });
  });

  it('calls a body that is no envelope MALFORMED_RESPONSE, with mayHaveBeenSent for a send', async () => {
    const { client } = start(row, { hello: 'world' }, sendCall);
    await expect(invoke(client, sendCall)).rejects.toMatchObject({
      code: 'MALFORMED_RESPONSE',
      mayHaveBeenSent: true,
    });
  });
});
