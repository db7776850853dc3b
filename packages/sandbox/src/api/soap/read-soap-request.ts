/**
 * Reading a SOAP 1.1 request of the API with a hardened XML reader: the operation, the
 * parameters and the WS-Security UsernameToken, or the Fault a protocol problem deserves. The
 * head (the Header, and the Body's first start tag, which names the operation) can be read
 * alone, so that a request is authenticated before anything is spent on its parameters.
 */
import {
  CHAT_NS,
  SOAP11_NS,
  SOAP12_NS,
  WSSE_NS,
  XmlReadError,
  attributeOf,
  type StopCondition,
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

/** What a request's head says: the operation and the credentials. */
export interface SoapHead {
  readonly kind: 'head';
  /** The wrapper element's local name. */
  readonly method: string;
  /** Undefined when there is no `wsse:Security` header or no `UsernameToken` in it. */
  readonly token: UsernameTokenFields | undefined;
}

/** A request the door can hand to the method handlers. */
export interface SoapCall extends Omit<SoapHead, 'kind'> {
  readonly kind: 'call';
  /** Every child of the wrapper, by local name (the last one wins, as a form field would). */
  readonly params: ReadonlyMap<string, string>;
}

/** The Fault a protocol problem deserves. */
export type SoapRefusal = { readonly kind: 'fault' } & SoapFault;

const OPERATIONS = new Set([
  'getchatchannels',
  'sendmessage',
  'sendfile',
  'getchats',
  'getmessages',
  'getunreadmessages',
]);

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

/** Reads `body` (or its head), answering the Fault for a document the reader refuses. */
function readRoot(read: () => XmlElement): XmlElement | SoapRefusal {
  try {
    return read();
  } catch (error) {
    if (error instanceof XmlReadError)
      return { kind: 'fault', ...client(`The request is refused: ${error.message}`) };
    throw error;
  }
}

/** The head of a read envelope, and its wrapper for the parameters; or the Fault it deserves. */
function headOf(
  root: XmlElement,
): { readonly head: SoapHead; readonly wrapper: XmlElement } | SoapRefusal {
  if (isElement(root, SOAP12_NS, 'Envelope')) {
    return {
      kind: 'fault',
      faultCode: 'soapenv:VersionMismatch',
      faultString: 'Only SOAP 1.1 is served here',
    };
  }
  if (!isElement(root, SOAP11_NS, 'Envelope')) {
    return {
      kind: 'fault',
      faultCode: 'soapenv:VersionMismatch',
      faultString: 'The root element is not a SOAP 1.1 Envelope',
    };
  }
  const header = root.children.find((c) => isElement(c, SOAP11_NS, 'Header'));
  const unknown = notUnderstood(header);
  if (unknown !== undefined) {
    return {
      kind: 'fault',
      faultCode: 'soapenv:MustUnderstand',
      faultString: `Header ${unknown.localName} is not understood`,
    };
  }
  const soapBody = root.children.find((c) => isElement(c, SOAP11_NS, 'Body'));
  const wrapper = soapBody?.children[0];
  if (wrapper === undefined)
    return { kind: 'fault', ...client('The SOAP Body is missing or empty') };
  if (wrapper.namespace !== CHAT_NS || !OPERATIONS.has(wrapper.localName)) {
    return {
      kind: 'fault',
      ...client(
        `Unknown operation ${wrapper.localName.slice(0, 60)} in ${wrapper.namespace.slice(0, 80) || 'no namespace'}`,
      ),
    };
  }
  return { head: { kind: 'head', method: wrapper.localName, token: tokenOf(header) }, wrapper };
}

/**
 * Where reading a request's head stops: at the Body's first child (the wrapper, whose name is the
 * operation), or at whatever follows an empty Body. A Header comes before the Body (SOAP 1.1 §4.2).
 */
function headEnd(): StopCondition {
  let inBody = false;
  return (element, _parent, depth) => {
    if (depth === 1) {
      if (inBody) return true;
      inBody = isElement(element, SOAP11_NS, 'Body');
      return false;
    }
    return depth === 2 && inBody;
  };
}

/**
 * Reads a request's head only: the envelope, its Header and the start tag of the Body's first
 * child; the operation's parameters are neither read nor checked. Never throws: a protocol problem
 * seen so far (as {@link readSoapRequest} lists them) comes back as the Fault to answer.
 */
export function readSoapHead(reader: XmlReader, body: string): SoapHead | SoapRefusal {
  const root = readRoot(() => reader.readUntil(body, headEnd()));
  if ('kind' in root) return root;
  const read = headOf(root);
  return 'kind' in read ? read : read.head;
}

/**
 * Reads a request body. Never throws: every protocol problem (a DOCTYPE, malformed XML, another
 * SOAP version, a missing Body, an unknown operation, a header it must understand but does not)
 * comes back as the Fault to answer (SOAP 1.1 §4.4).
 */
export function readSoapRequest(reader: XmlReader, body: string): SoapCall | SoapRefusal {
  const root = readRoot(() => reader.read(body));
  if ('kind' in root) return root;
  const read = headOf(root);
  if ('kind' in read) return read;
  const params = new Map<string, string>();
  for (const child of read.wrapper.children) params.set(child.localName, child.text);
  return { ...read.head, kind: 'call', params };
}
