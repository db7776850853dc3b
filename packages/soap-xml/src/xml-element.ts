/**
 * The namespace-resolved element tree the XML reader produces (Namespaces in XML 1.0 §6), and
 * lookups by namespace URI and local name, never by prefix: servers choose prefixes freely
 * (`soap:`, `SOAP-ENV:`, a default namespace), so only the URI says what an element is.
 */

/** An attribute, its name resolved (`namespace` is `''` for an unprefixed attribute). */
export interface XmlAttribute {
  /** The namespace URI of its prefix, `''` for an unprefixed attribute (which has none). */
  readonly namespace: string;
  /** The name without its prefix. */
  readonly localName: string;
  /** The value, entities decoded. */
  readonly value: string;
}

/** An element, its name resolved; `text` is its character data (entities and CDATA decoded). */
export interface XmlElement {
  /** The namespace URI, `''` when the element is in no namespace. */
  readonly namespace: string;
  /** The name without its prefix. */
  readonly localName: string;
  /** Attributes other than namespace declarations. */
  readonly attributes: readonly XmlAttribute[];
  /** The child elements, in document order (a leaf's is an empty, frozen array). */
  readonly children: readonly XmlElement[];
  /** The character data directly inside it, entities and CDATA decoded. */
  readonly text: string;
}

/** True when `element` has this namespace URI and local name. */
export function isElement(
  element: XmlElement | undefined,
  namespace: string,
  localName: string,
): boolean {
  return (
    element !== undefined && element.namespace === namespace && element.localName === localName
  );
}

/** The first child with this local name, whatever namespace it has or inherited. */
export function childNamed(
  element: XmlElement | undefined,
  localName: string,
): XmlElement | undefined {
  return element?.children.find((c) => c.localName === localName);
}

/** The value of the attribute with this namespace URI and local name. */
export function attributeOf(
  element: XmlElement,
  namespace: string,
  localName: string,
): string | undefined {
  return element.attributes.find((a) => a.namespace === namespace && a.localName === localName)
    ?.value;
}
