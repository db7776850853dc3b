/** Writing a SOAP 1.1 Fault (SOAP 1.1 §4.4). */
import { SOAP11_NS, escapeXml } from '@afilnet-chat/soap-xml';

/** A Fault's code (a `soapenv:` QName) and text. */
export interface SoapFault {
  readonly faultCode:
    | 'soapenv:Client'
    | 'soapenv:Server'
    | 'soapenv:VersionMismatch'
    | 'soapenv:MustUnderstand';
  readonly faultString: string;
}

/** The Fault envelope, to be sent with HTTP 500 (SOAP 1.1 §6.2). */
export function encodeSoapFault(fault: SoapFault): string {
  return (
    '<?xml version="1.0" encoding="utf-8"?>' +
    `<soapenv:Envelope xmlns:soapenv="${SOAP11_NS}"><soapenv:Body><soapenv:Fault>` +
    `<faultcode>${fault.faultCode}</faultcode><faultstring>${escapeXml(fault.faultString)}</faultstring>` +
    '</soapenv:Fault></soapenv:Body></soapenv:Envelope>'
  );
}
