/**
 * The SOAP transport's previous XML reader (fast-xml-parser with its validator, hardened the same
 * way), kept as the oracle the shipped single-pass reader is checked against in
 * `test/xml-reader-agreement.test.ts`. It is not part of any package.
 */
import { XMLParser } from 'fast-xml-parser';
import type { XmlAttribute, XmlElement } from '@afilnet-chat/soap-xml';

/** Thrown when the oracle refuses a document or finds it not well-formed. */
export class ReferenceXmlReadError extends Error {}

/** The deepest nesting accepted; SOAP answers of this API are 7 levels deep. */
const MAX_DEPTH = 32;

const TEXT = '#text';
const CDATA = '#cdata';
const ATTRS = ':@';
const XML_URI = 'http://www.w3.org/XML/1998/namespace';

const PREDEFINED: Readonly<Record<string, string>> = {
  lt: '<',
  gt: '>',
  amp: '&',
  quot: '"',
  apos: "'",
};
const HEX_REFERENCE = /^#x[0-9A-Fa-f]{1,6}$/;
const DECIMAL_REFERENCE = /^#[0-9]{1,7}$/;
/** The longest reference: `&#x10FFFF;` and `&#1114111;` are 10 characters with `&` and `;`. */
const MAX_REFERENCE_LENGTH = 10;

function isXmlChar(cp: number): boolean {
  return (
    cp === 0x9 ||
    cp === 0xa ||
    cp === 0xd ||
    (cp >= 0x20 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd) ||
    (cp >= 0x10000 && cp <= 0x10ffff)
  );
}

function decodeReference(name: string): string {
  if (Object.hasOwn(PREDEFINED, name)) return PREDEFINED[name] as string;
  let cp: number;
  if (HEX_REFERENCE.test(name)) cp = parseInt(name.slice(2), 16);
  else if (DECIMAL_REFERENCE.test(name)) cp = parseInt(name.slice(1), 10);
  else throw new ReferenceXmlReadError(`unknown entity reference &${name.slice(0, 12)};`);
  if (!isXmlChar(cp))
    throw new ReferenceXmlReadError('a character reference names a character XML 1.0 cannot carry');
  return String.fromCodePoint(cp);
}

/**
 * Decodes the predefined entities and character references of a text or attribute value in one
 * left-to-right scan (linear: no backtracking pattern, no expansion of a decoded `&`).
 */
function decodeReferences(raw: string): string {
  let out = '';
  let from = 0;
  for (;;) {
    const amp = raw.indexOf('&', from);
    if (amp < 0) return from === 0 ? raw : out + raw.slice(from);
    out += raw.slice(from, amp);
    const semi = raw.indexOf(';', amp + 1);
    if (semi < 0 || semi - amp > MAX_REFERENCE_LENGTH)
      throw new ReferenceXmlReadError('an & that starts no reference');
    out += decodeReference(raw.slice(amp + 1, semi));
    from = semi + 1;
  }
}

type RawNode = Record<string, unknown>;

function nameOf(node: RawNode): string | undefined {
  for (const key of Object.keys(node)) if (key !== ATTRS) return key;
  return undefined;
}

function splitName(qname: string): [prefix: string, local: string] {
  const colon = qname.indexOf(':');
  return colon < 0 ? ['', qname] : [qname.slice(0, colon), qname.slice(colon + 1)];
}

function resolve(prefix: string, scope: ReadonlyMap<string, string>): string {
  if (prefix === 'xml') return XML_URI;
  const uri = scope.get(prefix);
  if (uri === undefined) {
    if (prefix === '') return '';
    throw new ReferenceXmlReadError(
      `the prefix ${prefix.slice(0, 40)} is not bound to a namespace`,
    );
  }
  return uri;
}

function toElement(
  qname: string,
  node: RawNode,
  parentScope: ReadonlyMap<string, string>,
): XmlElement {
  const rawAttrs = (node[ATTRS] ?? {}) as Record<string, unknown>;
  let scope = parentScope;
  const plain: Array<[string, string]> = [];
  for (const [name, rawValue] of Object.entries(rawAttrs)) {
    const value = decodeReferences(String(rawValue));
    if (name === 'xmlns' || name.startsWith('xmlns:')) {
      if (scope === parentScope) scope = new Map(parentScope);
      (scope as Map<string, string>).set(name === 'xmlns' ? '' : name.slice(6), value);
    } else {
      plain.push([name, value]);
    }
  }
  const attributes: XmlAttribute[] = plain.map(([name, value]) => {
    const [prefix, localName] = splitName(name);
    return { namespace: prefix === '' ? '' : resolve(prefix, scope), localName, value };
  });
  const [prefix, localName] = splitName(qname);
  const children: XmlElement[] = [];
  let text = '';
  for (const child of (node[qname] ?? []) as RawNode[]) {
    const childName = nameOf(child);
    if (childName === TEXT) text += decodeReferences(String(child[TEXT]));
    else if (childName === CDATA) {
      for (const part of (child[CDATA] ?? []) as RawNode[]) text += String(part[TEXT] ?? '');
    } else if (childName !== undefined) children.push(toElement(childName, child, scope));
  }
  return { namespace: resolve(prefix, scope), localName, attributes, children, text };
}

/** Creates the oracle reader, with its own parser instance. */
export function createReferenceXmlReader(): { read(xml: string): XmlElement } {
  const parser = new XMLParser({
    preserveOrder: true,
    ignoreAttributes: false,
    attributeNamePrefix: '',
    allowBooleanAttributes: false,
    parseTagValue: false,
    parseAttributeValue: false,
    processEntities: false,
    htmlEntities: false,
    trimValues: false,
    cdataPropName: CDATA,
    commentPropName: false,
    ignoreDeclaration: true,
    ignorePiTags: true,
    maxNestedTags: MAX_DEPTH,
  });
  const rootScope: ReadonlyMap<string, string> = new Map();

  return {
    read(xml) {
      const text = xml.charCodeAt(0) === 0xfeff ? xml.slice(1) : xml;
      if (/<!DOCTYPE/i.test(text)) throw new ReferenceXmlReadError('a DOCTYPE is not allowed');
      let nodes: RawNode[];
      try {
        nodes = parser.parse(text, true) as RawNode[];
      } catch (error) {
        throw new ReferenceXmlReadError(
          `not well-formed XML (${error instanceof Error ? error.message.slice(0, 120) : 'parse error'})`,
        );
      }
      const roots = (nodes ?? []).filter((n) => {
        const name = nameOf(n);
        if (name === TEXT) {
          if (String(n[TEXT]).trim() !== '')
            throw new ReferenceXmlReadError('text outside the root element');
          return false;
        }
        return name !== undefined;
      });
      if (roots.length !== 1)
        throw new ReferenceXmlReadError(
          roots.length === 0 ? 'no root element' : 'more than one root element',
        );
      const root = roots[0] as RawNode;
      return toElement(nameOf(root) as string, root, rootScope);
    },
  };
}
