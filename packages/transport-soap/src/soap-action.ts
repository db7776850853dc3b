/** The `SOAPAction` HTTP header of a request (SOAP 1.1 §6.1.1). */
import { CHAT_NS } from '@afilnet-chat/soap-xml';

/** The `SOAPAction` of a method, quoted; servers dispatch on the body, not on this. */
export function soapActionOf(method: string): string {
  return `"${CHAT_NS}#${method}"`;
}
