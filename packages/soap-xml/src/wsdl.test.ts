import { describe, expect, it } from 'vitest';
import { createXmlReader } from './create-xml-reader.js';
import { readWsdl, WSDL_DEFAULT_LOCATION } from './wsdl.js';
import { attributeOf } from './xml-element.js';

const WSDL_NS = 'http://schemas.xmlsoap.org/wsdl/';

describe('the WSDL', () => {
  it('is well-formed, SOAP 1.1 document/literal, with the six operations', async () => {
    const root = createXmlReader().read(await readWsdl());
    expect([root.namespace, root.localName, attributeOf(root, '', 'targetNamespace')]).toEqual([
      WSDL_NS,
      'definitions',
      'urn:afilnet:chat',
    ]);
    const portType = root.children.find((c) => c.localName === 'portType');
    expect(portType?.children.map((o) => attributeOf(o, '', 'name')).sort()).toEqual([
      'getchatchannels',
      'getchats',
      'getmessages',
      'getunreadmessages',
      'sendfile',
      'sendmessage',
    ]);
    const binding = root.children.find((c) => c.localName === 'binding');
    const soapBinding = binding?.children.find((c) => c.localName === 'binding');
    expect(soapBinding?.namespace).toBe('http://schemas.xmlsoap.org/wsdl/soap/');
    expect(attributeOf(soapBinding!, '', 'style')).toBe('document');
    expect(binding?.children.some((c) => c.localName === 'PolicyReference')).toBe(true);
  });

  it('names the default address, or the one given, escaped', async () => {
    expect(await readWsdl()).toContain(`location="${WSDL_DEFAULT_LOCATION}"`);
    const text = await readWsdl('http://127.0.0.1:1/api/soap/?a=1&b="2"');
    expect(text).toContain('location="http://127.0.0.1:1/api/soap/?a=1&amp;b=&quot;2&quot;"');
    expect(text).not.toContain(WSDL_DEFAULT_LOCATION);
  });
});
