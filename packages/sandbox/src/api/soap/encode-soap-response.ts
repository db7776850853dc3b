/** Writing an API envelope as the SOAP response of a method. */
import { CHAT_NS, SOAP11_NS, escapeXml } from '@afilnet-chat/soap-xml';
import type { Envelope } from '../chat-api.js';

function element(name: string, text: string): string {
  return `<${name}>${escapeXml(text)}</${name}>`;
}

/**
 * `chat:MResponse` holding `<status>`, then `<error>`, or `<result>` with one `<item>` per list
 * entry (`<result/>` for an empty list; no `<result>` for a "none" result), children
 * unqualified in the order of the WSDL's `Item` type.
 */
export function encodeSoapResponse(method: string, envelope: Envelope): string {
  let content = element('status', envelope.status);
  if (envelope.status === 'error') content += element('error', envelope.error);
  else if (envelope.result !== null) {
    const items = envelope.result.map(
      (item) =>
        `<item>${Object.entries(item)
          .map(([k, v]) => element(k, v))
          .join('')}</item>`,
    );
    content += items.length === 0 ? '<result/>' : `<result>${items.join('')}</result>`;
  }
  return (
    '<?xml version="1.0" encoding="utf-8"?>' +
    `<soapenv:Envelope xmlns:soapenv="${SOAP11_NS}" xmlns:chat="${CHAT_NS}"><soapenv:Body>` +
    `<chat:${method}Response>${content}</chat:${method}Response>` +
    '</soapenv:Body></soapenv:Envelope>'
  );
}
