/**
 * Writing text into XML 1.0 (XML 1.0 §2.2 "Characters", §2.4 "Character Data").
 */

/**
 * Code points XML 1.0 cannot carry, even as character references: C0 controls other than tab,
 * LF and CR, U+FFFE, U+FFFF and lone surrogates (with the `u` flag a valid pair is one code
 * point above U+FFFF, so only unpaired halves match the surrogate range).
 */
const ILLEGAL = /[\u{0}-\u{8}\u{B}\u{C}\u{E}-\u{1F}\u{FFFE}\u{FFFF}\u{D800}-\u{DFFF}]/u;

/** The first character XML 1.0 cannot carry, as `U+XXXX`, or undefined when there is none. */
export function findXmlIllegalCharacter(text: string): string | undefined {
  const match = ILLEGAL.exec(text);
  if (!match) return undefined;
  return `U+${(match[0].codePointAt(0) as number).toString(16).toUpperCase().padStart(4, '0')}`;
}

const REPLACEMENTS: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  // A raw CR would be turned into LF by every XML parser (XML 1.0 §2.11): keep it as a reference.
  '\r': '&#xD;',
};

const ESCAPED = /[&<>"'\r]/g;
const NEEDS_ESCAPE = /[&<>"'\r]/;

/**
 * Escapes `& < > " '` and CR, so the text is safe in element content and in attribute values
 * (`]]>` cannot survive, as its `>` is escaped). Characters beyond the BMP are written as they
 * are (UTF-8 on the wire). The caller must have refused what {@link findXmlIllegalCharacter}
 * finds.
 */
export function escapeXml(text: string): string {
  // Most values (platforms, ids, numbers, plain messages) hold none of these: testing first is
  // cheaper than a replace, which makes a callback and scans with a global pattern on every call.
  return NEEDS_ESCAPE.test(text) ? text.replace(ESCAPED, (c) => REPLACEMENTS[c] as string) : text;
}
