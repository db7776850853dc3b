import { describe, expect, it } from 'vitest';
import { createXmlReader, XmlReadError } from './create-xml-reader.js';

const reader = createXmlReader();

describe('createXmlReader', () => {
  it('keeps nothing from one read to the next: one reader serves every call', () => {
    const own = createXmlReader();
    expect(() => own.read('<r><a>')).toThrow(XmlReadError);
    const first = own.read('<r xmlns="urn:a">x</r>');
    expect(own.read('<r>y</r>')).toEqual({ namespace: '', localName: 'r', attributes: [], children: [], text: 'y' });
    expect(first.text).toBe('x');
  });

  it('resolves prefixes, default namespaces and their undeclaration', () => {
    const root = reader.read('<a:r xmlns:a="urn:a" xmlns="urn:d"><c><e xmlns=""/></c><a:f a:x="1" y="2"/></a:r>');
    expect([root.namespace, root.localName]).toEqual(['urn:a', 'r']);
    const [c, f] = root.children;
    expect([c?.namespace, c?.localName, c?.children[0]?.namespace]).toEqual(['urn:d', 'c', '']);
    expect(f?.attributes).toEqual([
      { namespace: 'urn:a', localName: 'x', value: '1' },
      { namespace: '', localName: 'y', value: '2' },
    ]);
  });

  it('decodes the five entities and character references itself, and keeps CDATA literal', () => {
    const root = reader.read('<r>&lt;&gt;&amp;&quot;&apos; &#233;&#xE9;&#x1F600; <![CDATA[&amp;<x>]]></r>');
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

  it('leaves Object.prototype untouched', () => {
    try {
      reader.read('<r><__proto__><polluted>yes</polluted></__proto__></r>');
    } catch {
      // refused, as tested above
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
