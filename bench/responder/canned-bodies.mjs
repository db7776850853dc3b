/**
 * The canned answers of the responder, encoded once at start so that answering costs the
 * server no more than a lookup. The envelopes are shaped as the live PHP service writes them
 * (every scalar a string, upper-case status) so that the clients' decoders do their real work.
 */

const CHANNELS = [
  { platformid: '100', platform: 'whatsapp', name: 'Support' },
  { platformid: '200', platform: 'telegram', name: 'Sales' },
  { platformid: '300', platform: 'webchat', name: 'Website' },
  { platformid: '400', platform: 'operator', name: 'Operators' },
];

const SOAP_OPEN =
  '<?xml version="1.0" encoding="utf-8"?>' +
  '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:chat="urn:afilnet:chat">' +
  '<soapenv:Body>';
const SOAP_CLOSE = '</soapenv:Body></soapenv:Envelope>';

function soapChannels() {
  const items = CHANNELS.map(
    (c) =>
      `<item><platformid>${c.platformid}</platformid><platform>${c.platform}</platform><name>${c.name}</name></item>`,
  ).join('');
  return `${SOAP_OPEN}<chat:getchatchannelsResponse><status>success</status><result>${items}</result></chat:getchatchannelsResponse>${SOAP_CLOSE}`;
}

function soapNone() {
  return `${SOAP_OPEN}<chat:sendmessageResponse><status>success</status></chat:sendmessageResponse>${SOAP_CLOSE}`;
}

function answer(contentType, text) {
  const body = Buffer.from(text, 'utf8');
  return {
    body,
    headers: { 'content-type': contentType, 'content-length': String(body.length) },
  };
}

const JSON_TYPE = 'application/json; charset=utf-8';
const XML_TYPE = 'text/xml; charset=utf-8';

/** Every canned answer, by name. */
export const CANNED = {
  jsonChannels: answer(JSON_TYPE, JSON.stringify({ status: 'SUCCESS', result: CHANNELS })),
  jsonNone: answer(JSON_TYPE, JSON.stringify({ status: 'SUCCESS', result: '' })),
  soapChannels: answer(XML_TYPE, soapChannels()),
  soapNone: answer(XML_TYPE, soapNone()),
  token: answer(
    JSON_TYPE,
    JSON.stringify({
      access_token: 'bench-access-token-0123456789abcdef',
      token_type: 'Bearer',
      expires_in: 3600,
    }),
  ),
};

/** The number of channels in the canned list, for sanity checks of decoded results. */
export const CHANNEL_COUNT = CHANNELS.length;
