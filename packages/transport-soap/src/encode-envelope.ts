/**
 * The request envelope: SOAP 1.1, document/literal wrapped, WS-Security header.
 */
import type { WireRequest } from '@afilnet-chat/core/transport';
import { CHAT_NS, SOAP11_NS, escapeXml } from '@afilnet-chat/soap-xml';

/**
 * Encodes a request: the wrapper `chat:M` in `urn:afilnet:chat` holding one unqualified child
 * per parameter, in the method table's order (`CHAT_METHODS`), every value escaped with `escapeXml`. `security` is the
 * encoded `wsse:Security` element. The caller has refused characters XML 1.0 cannot carry.
 */
export function encodeEnvelope(request: WireRequest, security: string): string {
  let params = '';
  for (const [name, value] of request.params) params += `<${name}>${escapeXml(value)}</${name}>`;
  const wrapper =
    params === ''
      ? `<chat:${request.method}/>`
      : `<chat:${request.method}>${params}</chat:${request.method}>`;
  return (
    '<?xml version="1.0" encoding="utf-8"?>' +
    `<soapenv:Envelope xmlns:soapenv="${SOAP11_NS}" xmlns:chat="${CHAT_NS}">` +
    `<soapenv:Header>${security}</soapenv:Header>` +
    `<soapenv:Body>${wrapper}</soapenv:Body>` +
    '</soapenv:Envelope>'
  );
}
