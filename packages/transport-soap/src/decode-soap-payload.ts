/**
 * Mapping a SOAP 1.1 response to the common {@link WirePayload}: the wrapper
 * `chat:MResponse` becomes `{status, result | error}`, a list of `<item>` an array of plain
 * objects, a `soapenv:Fault` a `fault`. Nothing is validated here: core judges the envelope.
 */
import type { ChatMethod } from '@afilnet-chat/core';
import { CHAT_METHODS } from '@afilnet-chat/core/constants';
import type { WirePayload } from '@afilnet-chat/core/transport';
import {
  CHAT_NS,
  SOAP11_NS,
  XSI_NS,
  XmlReadError,
  attributeOf,
  childNamed,
  isElement,
  type XmlElement,
  type XmlReader,
} from '@afilnet-chat/soap-xml';

function isNil(element: XmlElement): boolean {
  // Most elements carry no attribute: no search, and no closure made for one.
  if (element.attributes.length === 0) return false;
  const nil = attributeOf(element, XSI_NS, 'nil')?.trim();
  return nil === 'true' || nil === '1';
}

/** A leaf's value: its text, or null for `xsi:nil`. */
function scalarOf(element: XmlElement): string | null {
  return isNil(element) ? null : element.text;
}

/** An element's children as one plain object, by local name. */
function fieldsOf(element: XmlElement): Record<string, string | null> {
  // Built in one loop rather than with Object.fromEntries over mapped pairs, which made an array
  // per item and one per field of every list item of every answer. Like Object.fromEntries, it
  // defines own properties, a later field of the same name winning, so that a name like
  // `__proto__` (possible in another namespace) can never reach an object's prototype.
  const fields: Record<string, string | null> = {};
  for (const field of element.children) {
    const name = field.localName;
    if (name === '__proto__')
      Object.defineProperty(fields, name, {
        value: scalarOf(field),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    else fields[name] = scalarOf(field);
  }
  return fields;
}

/**
 * `<result>` as the JSON envelope would hold it: `null` for `xsi:nil`; an array of items when it
 * holds `<item>` elements (one is still a list); `''` when it holds nothing but whitespace
 * (`<result/>`, which core reads as an empty list or a "none" result); an object of its children
 * when it holds other elements, and its text otherwise (both of which core judges).
 */
function resultOf(result: XmlElement): unknown {
  if (isNil(result)) return null;
  const items: Record<string, string | null>[] = [];
  for (const child of result.children) if (child.localName === 'item') items.push(fieldsOf(child));
  if (items.length > 0) return items;
  if (result.children.length > 0) return fieldsOf(result);
  return result.text.trim() === '' ? '' : result.text;
}

/** Each method's response wrapper's local name, made once rather than concatenated per answer. */
const RESPONSE_NAMES: ReadonlyMap<string, string> = new Map(
  Object.keys(CHAT_METHODS).map((method) => [method, `${method}Response`]),
);

function responseNameOf(method: ChatMethod): string {
  return RESPONSE_NAMES.get(method) ?? `${method}Response`;
}

/** The first child of `element` in `namespace` named `localName`, found without a closure. */
function childIn(
  element: XmlElement,
  namespace: string,
  localName: string,
): XmlElement | undefined {
  for (const child of element.children) if (isElement(child, namespace, localName)) return child;
  return undefined;
}

function faultOf(fault: XmlElement): WirePayload {
  return {
    kind: 'fault',
    faultCode: (childNamed(fault, 'faultcode')?.text ?? '').trim(),
    faultString: (childNamed(fault, 'faultstring')?.text ?? '').trim(),
  };
}

/**
 * Reads `body` with `reader` and maps it. Never throws: a refused or malformed document, a
 * SOAP 1.2 envelope, or a body without the method's response wrapper is `unparseable`.
 */
export function decodeSoapPayload(
  reader: XmlReader,
  method: ChatMethod,
  body: string,
): WirePayload {
  if (body.trim() === '') return { kind: 'unparseable', reason: 'empty body' };
  let root: XmlElement;
  try {
    root = reader.read(body);
  } catch (error) {
    if (error instanceof XmlReadError)
      return { kind: 'unparseable', reason: `the SOAP response was refused: ${error.message}` };
    throw error;
  }
  if (!isElement(root, SOAP11_NS, 'Envelope')) {
    return { kind: 'unparseable', reason: 'the body is not a SOAP 1.1 Envelope' };
  }
  const soapBody = childIn(root, SOAP11_NS, 'Body');
  const content = soapBody?.children[0];
  if (content === undefined) return { kind: 'unparseable', reason: 'the SOAP Body is empty' };
  if (isElement(content, SOAP11_NS, 'Fault')) return faultOf(content);
  if (!isElement(content, CHAT_NS, responseNameOf(method))) {
    return {
      kind: 'unparseable',
      reason: `the SOAP Body holds no ${method}Response in ${CHAT_NS}`,
    };
  }
  const envelope: Record<string, unknown> = {};
  const status = childNamed(content, 'status');
  if (status !== undefined) envelope.status = status.text.trim();
  const error = childNamed(content, 'error');
  if (error !== undefined && !isNil(error)) envelope.error = error.text.trim();
  const result = childNamed(content, 'result');
  if (result !== undefined) envelope.result = resultOf(result);
  return { kind: 'envelope', value: envelope };
}
