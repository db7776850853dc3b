import { describe, expect, it } from 'vitest';
import { createXmlReader, XmlReadError } from './create-xml-reader.js';

const reader = createXmlReader();

describe('createXmlReader', () => {
  it('keeps nothing from one read to the next: one reader serves every call', () => {
    const own = createXmlReader();
    expect(() => own.read('<r><a>')).toThrow(XmlReadError);
    const first = own.read('<r xmlns="urn:a">x</r>');
    expect(own.read('<r>y</r>')).toEqual({
      namespace: '',
      localName: 'r',
      attributes: [],
      children: [],
      text: 'y',
    });
    expect(first.text).toBe('x');
  });

  it('resolves prefixes, default namespaces and their undeclaration', () => {
    const root = reader.read(
      '<a:r xmlns:a="urn:a" xmlns="urn:d"><c><e xmlns=""/></c><a:f a:x="1" y="2"/></a:r>',
    );
    expect([root.namespace, root.localName]).toEqual(['urn:a', 'r']);
    const [c, f] = root.children;
    expect([c?.namespace, c?.localName, c?.children[0]?.namespace]).toEqual(['urn:d', 'c', '']);
    expect(f?.attributes).toEqual([
      { namespace: 'urn:a', localName: 'x', value: '1' },
      { namespace: '', localName: 'y', value: '2' },
    ]);
  });

  it('keeps the default namespace through elements that declare only prefixes', () => {
    const root = reader.read(
      '<r xmlns="urn:d"><a xmlns:p="urn:p"><b/><p:c xmlns="urn:e"><d/></p:c><f xmlns=""><g/></f></a></r>',
    );
    const [b, c, f] = root.children[0]?.children ?? [];
    expect([b?.namespace, c?.namespace, c?.children[0]?.namespace]).toEqual([
      'urn:d',
      'urn:p',
      'urn:e',
    ]);
    expect([f?.namespace, f?.children[0]?.namespace]).toEqual(['', '']);
  });

  it('decodes the five entities and character references itself, and keeps CDATA literal', () => {
    const root = reader.read(
      '<r>&lt;&gt;&amp;&quot;&apos; &#233;&#xE9;&#x1F600; <![CDATA[&amp;<x>]]></r>',
    );
    expect(root.text).toBe(`<>&"' éé😀 &amp;<x>`);
  });

  it('keeps values as strings and whitespace as sent', () => {
    const root = reader.read('<r><id>007</id><b>true</b><m>  two  spaces </m></r>');
    expect(root.children.map((c) => c.text)).toEqual(['007', 'true', '  two  spaces ']);
  });

  it.each([
    ['a DOCTYPE', '<!DOCTYPE r [<!ENTITY a "b">]><r>&a;</r>'],
    ['a lower-case doctype', '<!doctype r><r/>'],
    ['an undeclared entity', '<r>&lol;</r>'],
    ['a reference to U+0000', '<r>&#0;</r>'],
    ['malformed XML', '<r><a></r>'],
    ['an end tag longer than the open element', '<r><a></ab></r>'],
    ['an end tag of the same length naming another element', '<r><ab></ba></r>'],
    ['an end tag naming the parent element', '<r><r></r>'],
    ['an end tag of a prefixed name cut short', '<r xmlns:p="u"><p:ab></p:a></r>'],
    ['an end tag without a name', '<r></ ></r>'],
    ['two roots', '<r/><s/>'],
    ['text after the root', '<r/>x'],
    ['a CDATA section after the root', '<r/><![CDATA[x]]>'],
    ['no root', '  '],
    ['an unbound prefix', '<p:r/>'],
    ['a __proto__ element', '<r><__proto__><x>1</x></__proto__></r>'],
    ['a constructor attribute', '<r constructor="1"/>'],
    ['nesting deeper than 32', `${'<a>'.repeat(40)}${'</a>'.repeat(40)}`],
  ])('refuses %s with XmlReadError', (_label, xml) => {
    expect(() => reader.read(xml)).toThrow(XmlReadError);
  });

  it("says an end tag closes no open element when its name only begins as that element's", () => {
    expect(() => reader.read('<r><a></ab></r>')).toThrow(/an end tag that closes no open element/);
    expect(() => reader.read('<r><ab></a></r>')).toThrow(/an end tag that closes no open element/);
    expect(() => reader.read('<r></ ></r>')).toThrow(/a name expected/);
  });

  it('readUntil stops after the start tag it is told to, leaving the rest unread and unchecked', () => {
    const seen: string[] = [];
    const root = reader.readUntil(
      '<r xmlns:h="urn:h"><h:head><h:user>u</h:user></h:head><body><op a="1"><x>&bogus;<unclosed>',
      (element, parent, depth) => {
        seen.push(`${depth}:${parent?.localName ?? '-'}/${element.localName}`);
        return parent?.localName === 'body';
      },
    );
    expect(seen).toEqual(['0:-/r', '1:r/head', '2:head/user', '1:r/body', '2:body/op']);
    const [head, body] = root.children;
    expect([head?.namespace, head?.children[0]?.text]).toEqual(['urn:h', 'u']);
    expect(body?.children[0]).toEqual({
      namespace: '',
      localName: 'op',
      attributes: [{ namespace: '', localName: 'a', value: '1' }],
      children: [],
      text: '',
    });
  });

  it('readUntil reads and checks the whole document when it is never told to stop', () => {
    expect(reader.readUntil('<r><a>1</a></r>', () => false).children[0]?.text).toBe('1');
    expect(() => reader.readUntil('<r><a>1</a>', () => false)).toThrow(XmlReadError);
    expect(() => reader.readUntil(`<r${' a="1"'.repeat(2)}/>`, () => true)).toThrow(/repeated/);
  });

  it('leaves Object.prototype untouched', () => {
    try {
      reader.read('<r><__proto__><polluted>yes</polluted></__proto__></r>');
    } catch {
      // refused, as tested above
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

const KiB = 1024;

/** `unit(i)` repeated inside `open … close` until the document reaches `size` characters. */
function sized(size: number, open: string, unit: (i: number) => string, close: string): string {
  const parts = [open];
  let length = open.length + close.length;
  for (let i = 0; length < size; i++) {
    const part = unit(i);
    parts.push(part);
    length += part.length;
  }
  parts.push(close);
  return parts.join('');
}

/** A plain document of `size` characters: elements with one attribute and a little text, no namespace. */
function plainDocument(size: number): string {
  return sized(size, '<r>', (i) => `<a b="${i % 10}">text ${i % 100}</a>`, '</r>');
}

/** The fastest of at most `runs` reads of `xml`, in ms, stopping at one within `enough`; a refusal counts as a read. */
function fastestRead(xml: string, runs: number, enough = 0): number {
  let fastest = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs && fastest > enough; i++) {
    const started = performance.now();
    try {
      reader.read(xml);
    } catch (error) {
      if (!(error instanceof XmlReadError)) throw error;
    }
    fastest = Math.min(fastest, performance.now() - started);
  }
  return fastest;
}

/**
 * How many times slower `xml` reads than a plain document of the same size: the fastest of a
 * few reads each, so that a busy machine slows both alike. A linear reader stays within a small
 * factor whatever the shape; a quadratic step makes it tens or hundreds.
 */
function slowdown(xml: string): number {
  const plain = fastestRead(plainDocument(xml.length), 5);
  return fastestRead(xml, 3, plain * 2) / plain;
}

/** Far above what a linear reader shows on a loaded machine, far below what a quadratic one did. */
const MAX_SLOWDOWN = 10;

const declarations = (count: number, prefix: string) =>
  Array.from({ length: count }, (_, i) => ` xmlns:${prefix}${i}="urn:${prefix}${i}"`).join('');

describe('createXmlReader: time linear in the input whatever its shape', () => {
  it('refuses an element with more than 32 namespace declarations or 64 other attributes', () => {
    expect(reader.read(`<r${declarations(32, 'p')}/>`).localName).toBe('r');
    expect(() => reader.read(`<r${declarations(33, 'p')}/>`)).toThrow(
      /more than 32 namespace declarations/,
    );
    const attributes = (count: number) =>
      Array.from({ length: count }, (_, i) => ` a${i}="v"`).join('');
    expect(reader.read(`<r${declarations(32, 'p')}${attributes(64)}/>`).attributes).toHaveLength(
      64,
    );
    expect(() => reader.read(`<r${attributes(65)}/>`)).toThrow(/more than 64 attributes/);
  });

  it('finds a repeated attribute among many', () => {
    expect(() =>
      reader.read(`<r${Array.from({ length: 60 }, (_, i) => ` a${i}="v"`).join('')} a7="w"/>`),
    ).toThrow(/a7 is repeated/);
  });

  it('beyond the caps: 10,000 namespace declarations on the root, then one on every element (400 KiB)', () => {
    const xml = sized(
      400 * KiB,
      `<r${declarations(10_000, 'p')}>`,
      (i) => `<p1:a xmlns:q="urn:q${i % 7}"/>`,
      '</r>',
    );
    expect(slowdown(xml)).toBeLessThan(MAX_SLOWDOWN);
  });

  it('within the caps: 31 levels declaring 32 namespaces each, then a namespace declaration on every element (400 KiB)', () => {
    const levels = Array.from(
      { length: 31 },
      (_, level) =>
        `<p:l${level}${declarations(level === 0 ? 31 : 32, `n${level}x`)}${level === 0 ? ' xmlns:p="urn:p"' : ''}>`,
    );
    const ends = Array.from({ length: 31 }, (_, level) => `</p:l${30 - level}>`);
    const xml = sized(
      400 * KiB,
      levels.join(''),
      (i) => `<p:a xmlns:q="urn:q${i % 7}" q:b="1"/>`,
      ends.join(''),
    );
    expect(reader.read(xml).localName).toBe('l0');
    expect(slowdown(xml)).toBeLessThan(MAX_SLOWDOWN);
  });

  it('beyond the caps: one element with 100,000 attributes (1 MiB)', () => {
    const xml = sized(1024 * KiB, '<r', (i) => ` a${i}="v"`, '/>');
    expect(slowdown(xml)).toBeLessThan(MAX_SLOWDOWN);
  });

  it('within the caps: 64 long attributes on every element (400 KiB)', () => {
    const attributes = Array.from({ length: 64 }, (_, i) => ` a${i}="${'v'.repeat(40)}"`).join('');
    const xml = sized(400 * KiB, '<r>', () => `<e${attributes}/>`, '</r>');
    expect(reader.read(xml).children[0]?.attributes).toHaveLength(64);
    expect(slowdown(xml)).toBeLessThan(MAX_SLOWDOWN);
  });

  it('many short texts and attribute values, with a single & at the very end (2 MiB)', () => {
    const xml = sized(
      2048 * KiB,
      '<r>',
      (i) => `<a b="${i % 10}">t</a>`,
      '<a b="&amp;">&amp;</a></r>',
    );
    expect(reader.read(xml).children.at(-1)?.text).toBe('&');
    expect(slowdown(xml)).toBeLessThan(MAX_SLOWDOWN);
  });
});
