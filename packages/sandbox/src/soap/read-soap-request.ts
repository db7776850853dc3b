/**
 * Reading a SOAP 1.1 request of the API (SPEC §3) with a hardened XML reader: the operation, the
 * parameters and the WS-Security UsernameToken, or the Fault a protocol problem deserves.
 */
import {
  CHAT_NS,
  SOAP11_NS,
  SOAP12_NS,
  WSSE_NS,
  XmlReadError,
  attributeOf,
  childNamed,
  isElement,
  type XmlElement,
  type XmlReader,
} from '@afilnet-chat/soap-xml';
import type { SoapFault } from './encode-soap-fault.js';

/** The UsernameToken's fields as sent (each may be missing). */
export interface UsernameTokenFields {
  readonly username: string | undefined;
  readonly password: string | undefined;
  /** The Password's `Type` attribute, absent meaning `#PasswordText`. */
  readonly passwordType: string | undefined;
  readonly nonce: string | undefined;
  readonly created: string | undefined;
}

/** A request the door can hand to the method handlers. */
export interface SoapCall {
  readonly kind: 'call';
  /** The wrapper element's local name. */
  readonly method: string;
  /** Undefined when there is no `wsse:Security` header or no `UsernameToken` in it. */
  readonly token: UsernameTokenFields | undefined;
  /** Every child of the wrapper, by local name (the last one wins, as a form field would). */
  readonly params: ReadonlyMap<string, string>;
}

const OPERATIONS = new Set(['getchatchannels', 'sendmessage', 'sendfile', 'getchats', 'getmessages', 'getunreadmessages']);

function client(faultString: string): SoapFault {
  return { faultCode: 'soapenv:Client', faultString };
}

function tokenOf(header: XmlElement | undefined): UsernameTokenFields | undefined {
  const security = header?.children.find((c) => isElement(c, WSSE_NS, 'Security'));
  const token = security?.children.find((c) => isElement(c, WSSE_NS, 'UsernameToken'));
  if (token === undefined) return undefined;
  const password = childNamed(token, 'Password');
  return {
    username: childNamed(token, 'Username')?.text.trim(),
    password: password?.text,
    passwordType: password ? attributeOf(password, '', 'Type')?.trim() : undefined,
    nonce: childNamed(token, 'Nonce')?.text.trim(),
    created: childNamed(token, 'Created')?.text.trim(),
  };
}

/** A header block other than `wsse:Security` that the sender marked `mustUnderstand`. */
function notUnderstood(header: XmlElement | undefined): XmlElement | undefined {
  return header?.children.find((c) => {
    const flag = attributeOf(c, SOAP11_NS, 'mustUnderstand')?.trim();
    return (flag === '1' || flag === 'true') && !isElement(c, WSSE_NS, 'Security');
  });
}

/**
 * Reads a request body. Never throws: every protocol problem (a DOCTYPE, malformed XML, another
 * SOAP version, a missing Body, an unknown operation, a header it must understand but does not)
 * comes back as the Fault to answer (SOAP 1.1 §4.4).
 */
export function readSoapRequest(reader: XmlReader, body: string): SoapCall | ({ readonly kind: 'fault' } & SoapFault) {
  let root: XmlElement;
  try {
    root = reader.read(body);
  } catch (error) {
    if (error instanceof XmlReadError) return { kind: 'fault', ...client(`The request is refused: ${error.message}`) };
    throw error;
  }
  if (isElement(root, SOAP12_NS, 'Envelope')) {
    return { kind: 'fault', faultCode: 'soapenv:VersionMismatch', faultString: 'Only SOAP 1.1 is served here' };
  }
  if (!isElement(root, SOAP11_NS, 'Envelope')) {
    return { kind: 'fault', faultCode: 'soapenv:VersionMismatch', faultString: 'The root element is not a SOAP 1.1 Envelope' };
  }
  const header = root.children.find((c) => isElement(c, SOAP11_NS, 'Header'));
  const unknown = notUnderstood(header);
  if (unknown !== undefined) {
    return { kind: 'fault', faultCode: 'soapenv:MustUnderstand', faultString: `Header ${unknown.localName} is not understood` };
  }
  const soapBody = root.children.find((c) => isElement(c, SOAP11_NS, 'Body'));
  const wrapper = soapBody?.children[0];
  if (wrapper === undefined) return { kind: 'fault', ...client('The SOAP Body is missing or empty') };
  if (wrapper.namespace !== CHAT_NS || !OPERATIONS.has(wrapper.localName)) {
    return { kind: 'fault', ...client(`Unknown operation ${wrapper.localName.slice(0, 60)} in ${wrapper.namespace.slice(0, 80) || 'no namespace'}`) };
  }
  const params = new Map<string, string>();
  for (const child of wrapper.children) params.set(child.localName, child.text);
  return { kind: 'call', method: wrapper.localName, token: tokenOf(header), params };
}
