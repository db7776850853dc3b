/**
 * A purpose-built XML reader hardened for untrusted input (a server's answers in the
 * SOAP client, any client's requests in the sandbox), turning a document into
 * an {@link XmlElement} tree with namespaces resolved (Namespaces in XML 1.0 §6), in one
 * left-to-right pass over the text: well-formedness is checked as the tree is built, with no
 * separate validation pass.
 *
 * It reads what XML 1.0 documents of this API hold: elements, attributes, character data, the
 * five predefined entities and character references, CDATA sections, comments, processing
 * instructions and the XML declaration (the last three are skipped). Hardening:
 * - a DOCTYPE is refused where it starts, before a byte of it is read: no internal subset, entity
 *   declaration or external reference is ever looked at (billion laughs, XXE);
 * - nothing is expanded but the five predefined entities and character references, decoded in
 *   one linear scan; any other reference, and a reference to a character XML 1.0 cannot carry,
 *   is refused;
 * - element and attribute names are never used as keys of objects this module builds, and the
 *   names `__proto__`, `constructor` and `prototype` are refused outright, so no name can reach a
 *   prototype, here or in a caller that keys objects by local name;
 * - every search is an `indexOf` for the end of what is being read, or a character test bounded
 *   by that end: no backtracking pattern, and no search runs past the construct it reads, so the
 *   time is linear in the document's length whatever its shape;
 * - an element's namespace scope holds only its own declarations and points to its parent's, so
 *   declaring a namespace copies nothing; an element declaring more than
 *   {@link MAX_NAMESPACE_DECLARATIONS} namespaces or carrying more than {@link MAX_ATTRIBUTES}
 *   other attributes is refused, and repeated attributes are found with a set;
 * - nesting deeper than {@link MAX_DEPTH} is refused, and the tree is built without recursion.
 * The body's size is capped before it gets here, by the client's executor (`maxResponseBytes`).
 */
import type { XmlAttribute, XmlElement } from './xml-element.js';

/** Thrown when a document is refused or is not well-formed XML. */
export class XmlReadError extends Error {}

/** Reads documents; one instance serves every call of a transport or server. */
export interface XmlReader {
  /**
   * Reads a document.
   *
   * @throws {XmlReadError} for a DOCTYPE, malformed XML, an unbound prefix, an unknown entity,
   *   a character reference XML 1.0 cannot carry, or more or fewer than one root element.
   */
  read(xml: string): XmlElement;
  /**
   * Reads a document's beginning, up to and including the first start tag `stop` answers true
   * for: reading ends there, and what comes after it (that element's content, the end tags, the
   * rest of the document) is neither read nor checked. `stop` sees each element once its start
   * tag is read (name and attributes resolved, no children yet), with its parent and its depth
   * (0 for the root). When `stop` never answers true, the whole document is read, as by `read`.
   * A server uses it to look at a request's headers before spending more on its body.
   *
   * @throws {XmlReadError} as `read` does, for what is read.
   */
  readUntil(xml: string, stop: StopCondition): XmlElement;
}

/** Tells {@link XmlReader.readUntil} where to stop: true for the last element to read. */
export type StopCondition = (
  element: XmlElement,
  parent: XmlElement | undefined,
  depth: number,
) => boolean;

/** The deepest nesting accepted; SOAP answers of this API are 7 levels deep. */
const MAX_DEPTH = 32;
/**
 * The most namespace declarations one element may carry: SOAP stacks declare a handful on the
 * Envelope. Refusing more bounds what one start tag can cost.
 */
const MAX_NAMESPACE_DECLARATIONS = 32;
/** The most attributes one element may carry besides namespace declarations; SOAP uses one or two. */
const MAX_ATTRIBUTES = 64;

const XML_URI = 'http://www.w3.org/XML/1998/namespace';
/**
 * The attributes of every element that has none (nearly all of a SOAP answer's): one frozen
 * array rather than one per element, since the reader runs on every SOAP call.
 */
const NO_ATTRIBUTES: readonly XmlAttribute[] = Object.freeze([]);
/** The children of every element that has none (every leaf), for the same reason. */
const NO_CHILDREN: XmlElement[] = Object.freeze([]) as unknown as XmlElement[];
/** Names that would reach `Object.prototype` in a caller that used them as keys (9 or 11 characters). */
const RESERVED_NAMES: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

const PREDEFINED: ReadonlyMap<string, string> = new Map([
  ['lt', '<'],
  ['gt', '>'],
  ['amp', '&'],
  ['quot', '"'],
  ['apos', "'"],
]);
/** The longest reference: `&#x10FFFF;` and `&#1114111;` are 10 characters with `&` and `;`. */
const MAX_REFERENCE_LENGTH = 10;

const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const EQUALS = 0x3d;
const QUOT = 0x22;
const APOS = 0x27;
const BANG = 0x21;
const QUESTION = 0x3f;
const AMP = 0x26;
const SEMICOLON = 0x3b;
const CR = 0x0d;

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

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x9 || code === 0xa || code === 0xd;
}

/** What an ASCII character may be in a name: bit 1, its first character; bit 2, any other. */
const NAME_CLASS: Uint8Array = (() => {
  const table = new Uint8Array(0x80);
  for (let code = 0; code < 0x80; code++) {
    const start = (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || code === 0x5f;
    const other = start || (code >= 0x30 && code <= 0x3a) || code === 0x2d || code === 0x2e;
    table[code] = (start ? 1 : 0) | (other ? 2 : 0);
  }
  return table;
})();

/**
 * XML 1.0 NameStartChar, narrowed to what matters here: ASCII letters, `_`, and non-ASCII. Read
 * from a table: names are most of what a SOAP answer's tags hold, and this runs per character.
 */
function isNameStart(code: number): boolean {
  return code >= 0x80 || ((NAME_CLASS[code] ?? 0) & 1) !== 0;
}

/** XML 1.0 NameChar: a start character, a digit, `-`, `.` or `:` (the prefix separator). */
function isNameChar(code: number): boolean {
  return code >= 0x80 || ((NAME_CLASS[code] ?? 0) & 2) !== 0;
}

function fail(reason: string): never {
  throw new XmlReadError(`not well-formed XML (${reason})`);
}

function decodeReference(name: string): string {
  const predefined = PREDEFINED.get(name);
  if (predefined !== undefined) return predefined;
  let cp = Number.NaN;
  if (name.charCodeAt(0) === 0x23) {
    const hex = name.charCodeAt(1) === 0x78;
    const digits = name.slice(hex ? 2 : 1);
    if (digits.length > 0 && (hex ? /^[0-9A-Fa-f]{1,6}$/ : /^[0-9]{1,7}$/).test(digits))
      cp = parseInt(digits, hex ? 16 : 10);
  }
  if (Number.isNaN(cp)) throw new XmlReadError(`unknown entity reference &${name.slice(0, 12)};`);
  if (!isXmlChar(cp))
    throw new XmlReadError('a character reference names a character XML 1.0 cannot carry');
  return String.fromCodePoint(cp);
}

/** `text` with its line ends normalised to LF, as XML 1.0 §2.11 asks of every parser. */
function normalizeLineEnds(text: string): string {
  return text.indexOf('\r') < 0 ? text : text.replace(/\r\n?/g, '\n');
}

/**
 * Decodes `xml[from, to)`: line ends normalised, the predefined entities and character references
 * replaced, in one left-to-right scan (linear: no backtracking pattern, no expansion of a
 * decoded `&`; a `&#xD;` stays a CR).
 */
function decodeText(xml: string, from: number, to: number): string {
  // Most texts hold neither a reference nor a CR: one scan for both, then a plain slice.
  let special = from;
  while (special < to) {
    const code = xml.charCodeAt(special);
    if (code === AMP || code === CR) break;
    special++;
  }
  if (special === to) return xml.slice(from, to);
  // No reference before the first special character: the search for one starts there.
  let amp = indexWithin(xml, AMP, special, to);
  if (amp < 0) return normalizeLineEnds(xml.slice(from, to));
  let out = '';
  for (;;) {
    out += normalizeLineEnds(xml.slice(from, amp));
    const semi = indexWithin(xml, SEMICOLON, amp + 1, Math.min(to, amp + MAX_REFERENCE_LENGTH + 1));
    if (semi < 0) throw new XmlReadError('an & that starts no reference');
    out += decodeReference(xml.slice(amp + 1, semi));
    from = semi + 1;
    amp = indexWithin(xml, AMP, from, to);
    if (amp < 0) return out + normalizeLineEnds(xml.slice(from, to));
  }
}

/**
 * The first index of the character `code` in `xml[from, to)`, or -1. Unlike `indexOf`, it never
 * looks past `to`: searching a short text for a character that only occurs far away would
 * otherwise scan the rest of the document once per text.
 */
function indexWithin(xml: string, code: number, from: number, to: number): number {
  for (let i = from; i < to; i++) if (xml.charCodeAt(i) === code) return i;
  return -1;
}

/**
 * True when `xml` holds the same `length` characters at `at` as at `start`: an end tag's name
 * compared with its start tag's in the document itself, which costs a fraction of `startsWith`
 * with a position, and of reading the sliced name.
 */
function sameAt(xml: string, start: number, at: number, length: number): boolean {
  if (at + length > xml.length) return false;
  for (let i = 0; i < length; i++)
    if (xml.charCodeAt(at + i) !== xml.charCodeAt(start + i)) return false;
  return true;
}

function isBlank(xml: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (!isSpace(xml.charCodeAt(i))) return false;
  return true;
}

/** An element's tree node, with the parts still growing writable. */
interface ElementNode extends XmlElement {
  /** {@link NO_CHILDREN} until the first child, then an array of the element's own. */
  children: XmlElement[];
  text: string;
}

/**
 * The namespaces in scope at an element: the declarations of the nearest element that made any,
 * and a link to the scope around it. An element that declares nothing shares its parent's scope,
 * so the chain is never longer than the nesting depth.
 */
interface Scope {
  readonly declared: ReadonlyMap<string, string>;
  readonly parent: Scope | undefined;
  /**
   * The default namespace here (`''` for none), found once when the scope is made: most elements
   * of a SOAP answer are unprefixed, and would otherwise each walk the chain for it.
   */
  readonly defaultNamespace: string;
}

/** The namespace of an element whose name has no prefix. */
function defaultNamespaceOf(scope: Scope | undefined): string {
  return scope === undefined ? '' : scope.defaultNamespace;
}

function resolve(prefix: string, scope: Scope | undefined): string {
  if (prefix === '') return defaultNamespaceOf(scope);
  if (prefix === 'xml') return XML_URI;
  for (let s = scope; s !== undefined; s = s.parent) {
    const uri = s.declared.get(prefix);
    if (uri !== undefined) return uri;
  }
  if (prefix === '') return '';
  throw new XmlReadError(`the prefix ${prefix.slice(0, 40)} is not bound to a namespace`);
}

/** Reads an XML name at `at`; returns its end. */
function nameEnd(xml: string, at: number): number {
  if (!isNameStart(xml.charCodeAt(at))) fail('a name expected');
  let end = at + 1;
  while (end < xml.length && isNameChar(xml.charCodeAt(end))) end++;
  return end;
}

/** The name at `xml[from, to)`; a reserved name is refused. */
function checkedName(xml: string, from: number, to: number): string {
  const name = xml.slice(from, to);
  if ((name.length === 9 || name.length === 11) && RESERVED_NAMES.has(name))
    throw new XmlReadError(`the name ${name} is not allowed`);
  return name;
}

/**
 * Where a qualified name's prefix ends (its colon), -1 when it has none; a name with an empty
 * local part or a second colon is refused (Namespaces in XML 1.0 §4).
 */
function prefixEnd(name: string): number {
  const colon = name.indexOf(':');
  if (colon >= 0 && (colon === name.length - 1 || name.indexOf(':', colon + 1) >= 0))
    fail('a malformed qualified name');
  return colon;
}

function skipSpace(xml: string, at: number): number {
  while (at < xml.length && isSpace(xml.charCodeAt(at))) at++;
  return at;
}

/** True when `xml` holds `word` at `at`, ignoring ASCII case. */
function startsWithIgnoringCase(xml: string, at: number, word: string): boolean {
  return xml.slice(at, at + word.length).toUpperCase() === word;
}

function readDocument(xml: string, stop?: StopCondition): XmlElement {
  const length = xml.length;
  let at = xml.charCodeAt(0) === 0xfeff ? 1 : 0;
  // The elements being read, innermost last: their names, scopes and nodes side by side, so that
  // opening an element makes no object besides its node.
  const openNames: string[] = [];
  const openStarts: number[] = [];
  const openScopes: Array<Scope | undefined> = [];
  const openNodes: ElementNode[] = [];
  let root: XmlElement | undefined;

  while (at < length) {
    const lt = xml.indexOf('<', at);
    const textEnd = lt < 0 ? length : lt;
    if (textEnd > at) {
      const current = openNodes.length === 0 ? undefined : openNodes[openNodes.length - 1];
      if (current !== undefined) current.text += decodeText(xml, at, textEnd);
      else if (!isBlank(xml, at, textEnd)) throw new XmlReadError('text outside the root element');
    }
    if (lt < 0) break;
    const next = xml.charCodeAt(lt + 1);

    if (next === QUESTION) {
      // The XML declaration or a processing instruction: skipped.
      const close = xml.indexOf('?>', lt + 2);
      if (close < 0) fail('an unterminated processing instruction');
      at = close + 2;
    } else if (next === BANG) {
      if (xml.startsWith('--', lt + 2)) {
        const close = xml.indexOf('-->', lt + 4);
        if (close < 0) fail('an unterminated comment');
        at = close + 3;
      } else if (xml.startsWith('[CDATA[', lt + 2)) {
        const close = xml.indexOf(']]>', lt + 9);
        if (close < 0) fail('an unterminated CDATA section');
        const current = openNodes.length === 0 ? undefined : openNodes[openNodes.length - 1];
        if (current === undefined) throw new XmlReadError('text outside the root element');
        current.text += normalizeLineEnds(xml.slice(lt + 9, close));
        at = close + 3;
      } else if (startsWithIgnoringCase(xml, lt + 2, 'DOCTYPE')) {
        throw new XmlReadError('a DOCTYPE is not allowed');
      } else {
        fail('markup that is neither a comment nor CDATA');
      }
    } else if (next === SLASH) {
      openScopes.pop();
      openNodes.pop();
      const current = openNames.pop();
      const start = openStarts.pop();
      // Compared in place, without scanning the name first: the open element's name (a valid
      // name) followed by a character that cannot continue a name is the same name. Otherwise
      // the name is read for the error: a missing one is reported as such.
      const end = current === undefined ? lt + 2 : lt + 2 + current.length;
      if (
        current === undefined ||
        start === undefined ||
        !sameAt(xml, start, lt + 2, current.length) ||
        (end < length && isNameChar(xml.charCodeAt(end)))
      ) {
        nameEnd(xml, lt + 2);
        fail('an end tag that closes no open element');
      }
      const close = skipSpace(xml, end);
      if (xml.charCodeAt(close) !== GT) fail('an unterminated end tag');
      at = close + 1;
    } else {
      const depth = openNames.length;
      if (depth === 0 && root !== undefined) throw new XmlReadError('more than one root element');
      if (depth >= MAX_DEPTH) throw new XmlReadError(`elements nested deeper than ${MAX_DEPTH}`);
      const parent = depth === 0 ? undefined : openNodes[depth - 1];
      const parentScope = depth === 0 ? undefined : openScopes[depth - 1];
      const qnameEnd = nameEnd(xml, lt + 1);
      const qname = checkedName(xml, lt + 1, qnameEnd);
      const colon = prefixEnd(qname);
      let declared: Map<string, string> | undefined;
      let plain: Array<[name: string, value: string, colon: number]> | undefined;
      let seen: Set<string> | undefined;
      let cursor = qnameEnd;
      let selfClosing = false;
      for (;;) {
        const afterSpace = skipSpace(xml, cursor);
        const code = xml.charCodeAt(afterSpace);
        if (code === GT) {
          cursor = afterSpace + 1;
          break;
        }
        if (code === SLASH && xml.charCodeAt(afterSpace + 1) === GT) {
          cursor = afterSpace + 2;
          selfClosing = true;
          break;
        }
        if (afterSpace === cursor) fail('an unterminated start tag');
        const attrEnd = nameEnd(xml, afterSpace);
        const name = checkedName(xml, afterSpace, attrEnd);
        const nameColon = prefixEnd(name);
        const equals = skipSpace(xml, attrEnd);
        if (xml.charCodeAt(equals) !== EQUALS) fail('an attribute without a value');
        const quoteAt = skipSpace(xml, equals + 1);
        const quote = xml.charCodeAt(quoteAt);
        if (quote !== QUOT && quote !== APOS) fail('an unquoted attribute value');
        const valueEnd = xml.indexOf(quote === QUOT ? '"' : "'", quoteAt + 1);
        if (valueEnd < 0) fail('an unterminated attribute value');
        if (indexWithin(xml, LT, quoteAt + 1, valueEnd) >= 0) fail('a < in an attribute value');
        seen ??= new Set();
        if (seen.has(name)) fail(`the attribute ${name.slice(0, 40)} is repeated`);
        seen.add(name);
        const value = decodeText(xml, quoteAt + 1, valueEnd);
        if (name === 'xmlns' || name.startsWith('xmlns:')) {
          declared ??= new Map();
          if (declared.size === MAX_NAMESPACE_DECLARATIONS)
            throw new XmlReadError(
              `an element with more than ${MAX_NAMESPACE_DECLARATIONS} namespace declarations`,
            );
          declared.set(name === 'xmlns' ? '' : name.slice(6), value);
        } else {
          plain ??= [];
          if (plain.length === MAX_ATTRIBUTES)
            throw new XmlReadError(`an element with more than ${MAX_ATTRIBUTES} attributes`);
          plain.push([name, value, nameColon]);
        }
        cursor = valueEnd + 1;
      }
      const scope: Scope | undefined =
        declared === undefined
          ? parentScope
          : {
              declared,
              parent: parentScope,
              defaultNamespace: declared.get('') ?? defaultNamespaceOf(parentScope),
            };
      const attributes: readonly XmlAttribute[] =
        plain === undefined
          ? NO_ATTRIBUTES
          : plain.map(([name, value, colon]) =>
              colon < 0
                ? { namespace: '', localName: name, value }
                : {
                    namespace: resolve(name.slice(0, colon), scope),
                    localName: name.slice(colon + 1),
                    value,
                  },
            );
      const element: ElementNode = {
        namespace: colon < 0 ? defaultNamespaceOf(scope) : resolve(qname.slice(0, colon), scope),
        localName: colon < 0 ? qname : qname.slice(colon + 1),
        attributes,
        children: NO_CHILDREN,
        text: '',
      };
      if (parent === undefined) root = element;
      else if (parent.children === NO_CHILDREN) parent.children = [element];
      else parent.children.push(element);
      if (stop?.(element, parent, depth) === true) return root ?? element;
      if (!selfClosing) {
        openNames.push(qname);
        openStarts.push(lt + 1);
        openScopes.push(scope);
        openNodes.push(element);
      }
      at = cursor;
    }
  }
  if (openNames.length > 0)
    fail(`the element ${openNames[openNames.length - 1]?.slice(0, 40)} is not closed`);
  if (root === undefined) throw new XmlReadError('no root element');
  return root;
}

/** Creates a reader. It holds no state, so one serves any number of calls. Throws nothing. */
export function createXmlReader(): XmlReader {
  return { read: (xml) => readDocument(xml), readUntil: (xml, stop) => readDocument(xml, stop) };
}
