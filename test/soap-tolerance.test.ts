/**
 * SOAP responses through the whole client (docs/behaviour.md#soap), on both executors: namespace prefixes
 * are arbitrary, the result tolerance cases (docs/behaviour.md#results) in their XML form, Faults, and answers that are
 * no SOAP at all.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  AfilnetApiError,
  AfilnetTransportError,
  createChatClient,
  type ChatClient,
} from '@afilnet-chat/core';
import { DEMO } from './support/account.js';
import { REF_SOAP_ENV, REF_XSI } from './support/reference-soap.js';
import { DECODED_MESSAGE } from './support/result-fixtures.js';
import {
  captureWire,
  EXECUTORS,
  type WireCapture,
  type WireReply,
} from './support/wire-capture.js';

const CONVERSATION = {
  platform: 'whatsapp',
  platformId: '100',
  destination: '34600000000',
} as const;
const FIELDS =
  '<platformid>100</platformid><platform>whatsapp</platform><message>hello</message><destination>34600000000</destination><messageid>42</messageid>';
const TAIL = '<status>sent</status><datetime>2024-05-01 10:00:00</datetime>';
const ITEM = `<item>${FIELDS}<sent>1</sent>${TAIL}</item>`;

const xml = (body: string, status = 200): WireReply => ({
  status,
  body,
  headers: { 'content-type': 'text/xml; charset=utf-8' },
});
/** A SOAP 1.1 `Server` Fault whose `faultstring` is `text` (already escaped for XML). */
const serverFault = (text: string) =>
  `<SOAP-ENV:Envelope xmlns:SOAP-ENV="${REF_SOAP_ENV}"><SOAP-ENV:Body><SOAP-ENV:Fault><faultcode>SOAP-ENV:Server</faultcode><faultstring>${text}</faultstring></SOAP-ENV:Fault></SOAP-ENV:Body></SOAP-ENV:Envelope>`;
const response = (method: string, content: string) =>
  `<soap:Envelope xmlns:soap="${REF_SOAP_ENV}" xmlns:xsi="${REF_XSI}"><soap:Body><m:${method}Response xmlns:m="urn:afilnet:chat">${content}</m:${method}Response></soap:Body></soap:Envelope>`;

let capture: WireCapture | undefined;
let client: ChatClient | undefined;
afterEach(async () => {
  await client?.close();
  client = undefined;
  await capture?.done();
  capture = undefined;
});

describe.each(EXECUTORS)('SOAP responses (%s)', (executor) => {
  const answering = (reply: WireReply): ChatClient => {
    capture = captureWire(executor, ['POST'], () => reply);
    client = createChatClient({ transport: 'soap', credentials: DEMO, ...capture.clientConfig });
    return client;
  };

  it.each([
    ['soap:', response('getmessages', `<status>success</status><result>${ITEM}</result>`)],
    [
      'SOAP-ENV:',
      `<SOAP-ENV:Envelope xmlns:SOAP-ENV="${REF_SOAP_ENV}"><SOAP-ENV:Header/><SOAP-ENV:Body><ns1:getmessagesResponse xmlns:ns1="urn:afilnet:chat"><status>success</status><result>${ITEM}</result></ns1:getmessagesResponse></SOAP-ENV:Body></SOAP-ENV:Envelope>`,
    ],
    [
      'a default namespace',
      `<Envelope xmlns="${REF_SOAP_ENV}"><Body><getmessagesResponse xmlns="urn:afilnet:chat"><status>success</status><result>${ITEM}</result></getmessagesResponse></Body></Envelope>`,
    ],
    [
      'pretty-printed with a BOM',
      `\uFEFF<?xml version="1.0" encoding="UTF-8"?>\n<env:Envelope xmlns:env="${REF_SOAP_ENV}">\n <env:Body>\n  <a:getmessagesResponse xmlns:a="urn:afilnet:chat">\n   <status>success</status>\n   <result>\n    ${ITEM}\n   </result>\n  </a:getmessagesResponse>\n </env:Body>\n</env:Envelope>\n`,
    ],
  ])('reads a response written with %s', async (_label, body) => {
    await expect(answering(xml(body)).getMessages(CONVERSATION)).resolves.toEqual([
      DECODED_MESSAGE,
    ]);
  });

  it('accepts SUCCESS in any case', async () => {
    await expect(
      answering(
        xml(response('getmessages', `<status>SUCCESS</status><result>${ITEM}</result>`)),
      ).getMessages(CONVERSATION),
    ).resolves.toEqual([DECODED_MESSAGE]);
  });

  it.each([
    ['1', true],
    ['0', false],
    ['true', true],
    ['false', false],
  ])('reads sent %s', async (sent, expected) => {
    const item = `<item>${FIELDS}<sent>${sent}</sent>${TAIL}</item>`;
    const [message] = await answering(
      xml(response('getmessages', `<status>success</status><result>${item}</result>`)),
    ).getMessages(CONVERSATION);
    expect(message?.sent).toBe(expected);
  });

  it('reads issent for getunreadmessages', async () => {
    const item = `<item>${FIELDS}<issent>0</issent>${TAIL}</item>`;
    await expect(
      answering(
        xml(response('getunreadmessages', `<status>success</status><result>${item}</result>`)),
      ).getUnreadMessages(CONVERSATION),
    ).resolves.toEqual([{ ...DECODED_MESSAGE, sent: false }]);
  });

  it('keeps ids as strings, leading zeros included', async () => {
    const item = ITEM.replace('<messageid>42</messageid>', '<messageid>007</messageid>');
    const [message] = await answering(
      xml(response('getmessages', `<status>success</status><result>${item}</result>`)),
    ).getMessages(CONVERSATION);
    expect(message?.messageId).toBe('007');
  });

  it('gives exactly the documented fields, no others', async () => {
    const item = ITEM.replace('</item>', '<extra>x</extra><constructorx>y</constructorx></item>');
    const [message] = await answering(
      xml(response('getmessages', `<status>success</status><result>${item}</result>`)),
    ).getMessages(CONVERSATION);
    expect(Object.keys(message as object).sort()).toEqual(Object.keys(DECODED_MESSAGE).sort());
  });

  it('reads many items in order', async () => {
    const second = ITEM.replace('<messageid>42</messageid>', '<messageid>43</messageid>');
    const messages = await answering(
      xml(response('getmessages', `<status>success</status><result>${ITEM}${second}</result>`)),
    ).getMessages(CONVERSATION);
    expect(messages.map((m) => m.messageId)).toEqual(['42', '43']);
  });

  it.each([['<result/>'], ['<result></result>'], ['<result xsi:nil="true"/>'], ['']])(
    'reads %j as an empty list',
    async (result) => {
      await expect(
        answering(xml(response('getmessages', `<status>success</status>${result}`))).getMessages(
          CONVERSATION,
        ),
      ).resolves.toEqual([]);
    },
  );

  it.each([['<result/>'], ['<result xsi:nil="true"/>'], ['']])(
    'accepts %j as the "none" result of a send',
    async (result) => {
      await expect(
        answering(xml(response('sendmessage', `<status>success</status>${result}`))).sendMessage({
          ...CONVERSATION,
          message: 'm',
        }),
      ).resolves.toBeUndefined();
    },
  );

  it('keeps an unknown platform in a result as a plain string', async () => {
    const item =
      '<item><platformid>9</platformid><platform>signal</platform><name>New</name></item>';
    await expect(
      answering(
        xml(response('getchatchannels', `<status>success</status><result>${item}</result>`)),
      ).getChatChannels(),
    ).resolves.toEqual([{ platformId: '9', platform: 'signal', name: 'New' }]);
  });

  it('decodes escaped text and CDATA', async () => {
    const item = ITEM.replace(
      '<message>hello</message>',
      '<message>a &amp; b &lt;c&gt; &#x1F600;<![CDATA[ <raw>&amp;]]></message>',
    );
    const [message] = await answering(
      xml(response('getmessages', `<status>success</status><result>${item}</result>`)),
    ).getMessages(CONVERSATION);
    expect(message?.message).toBe('a & b <c> 😀 <raw>&amp;');
  });

  it('reads an error response as AfilnetApiError', async () => {
    const error = await answering(
      xml(response('sendmessage', '<status>error</status><error>CHANNEL_NOT_FOUND</error>')),
    )
      .sendMessage({ ...CONVERSATION, message: 'm' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AfilnetApiError);
    expect(error).toMatchObject({ code: 'CHANNEL_NOT_FOUND', httpStatus: 200 });
  });

  it('maps a Fault to SOAP_FAULT with its code and string, mayHaveBeenSent for a send', async () => {
    const fault = serverFault('Database &amp; cache down');
    const error = await answering(xml(fault, 500))
      .sendMessage({ ...CONVERSATION, message: 'm' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AfilnetTransportError);
    expect(error).toMatchObject({
      code: 'SOAP_FAULT',
      faultCode: 'SOAP-ENV:Server',
      faultString: 'Database & cache down',
      httpStatus: 500,
      mayHaveBeenSent: true,
    });
  });

  it('calls a Fault with HTTP 429 RATE_LIMITED: a send was not delivered, and is retried', async () => {
    const fault = serverFault('Too many requests');
    capture = captureWire(executor, ['POST'], () => ({
      ...xml(fault, 429),
      headers: { 'content-type': 'text/xml; charset=utf-8', 'retry-after': '0' },
    }));
    client = createChatClient({
      transport: 'soap',
      credentials: DEMO,
      ...capture.clientConfig,
      retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5 },
    });
    const error = await client
      .sendMessage({ ...CONVERSATION, message: 'm' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AfilnetTransportError);
    expect(error).toMatchObject({
      code: 'RATE_LIMITED',
      httpStatus: 429,
      mayHaveBeenSent: false,
      retryAfterMs: 0,
    });
    expect(capture.requests).toHaveLength(2);
  });

  it.each([502, 503, 504])(
    'reads a Fault under HTTP %i as that status: a read is retried, a send is not',
    async (status) => {
      const fault = serverFault('Service unavailable');
      capture = captureWire(executor, ['POST'], () => xml(fault, status));
      client = createChatClient({
        transport: 'soap',
        credentials: DEMO,
        ...capture.clientConfig,
        retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5 },
      });
      const read = await client.getChatChannels().catch((e: unknown) => e);
      expect(read).toBeInstanceOf(AfilnetTransportError);
      expect(read).toMatchObject({
        code: 'HTTP_STATUS',
        httpStatus: status,
        mayHaveBeenSent: false,
      });
      expect((read as Error).message).toContain('Service unavailable');
      expect(capture.requests).toHaveLength(2);

      const send = await client
        .sendMessage({ ...CONVERSATION, message: 'm' })
        .catch((e: unknown) => e);
      expect(send).toMatchObject({
        code: 'HTTP_STATUS',
        httpStatus: status,
        mayHaveBeenSent: true,
      });
      expect(capture.requests).toHaveLength(3);
    },
  );

  it.each([
    ['an HTML 502 page', xml('<html><body>Bad gateway</body></html>', 502), 'HTTP_STATUS'],
    [
      'a JSON envelope',
      {
        status: 200,
        body: '{"status":"success","result":[]}',
        headers: { 'content-type': 'application/json' },
      },
      'MALFORMED_RESPONSE',
    ],
    [
      "another method's response",
      xml(response('getchats', '<status>success</status><result/>')),
      'MALFORMED_RESPONSE',
    ],
    [
      'an item without its fields',
      xml(
        response(
          'getmessages',
          '<status>success</status><result><item><platformid>1</platformid></item></result>',
        ),
      ),
      'MALFORMED_RESPONSE',
    ],
    ['no status', xml(response('getmessages', '<result/>')), 'MALFORMED_RESPONSE'],
  ])('calls %s a transport error', async (_label, reply, code) => {
    const error = await answering(reply)
      .getMessages(CONVERSATION)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AfilnetTransportError);
    expect(error).toMatchObject({ code, mayHaveBeenSent: false });
  });
});
