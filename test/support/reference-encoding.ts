/**
 * An independent reference for the wire's percent-encoding, written byte by byte from RFC 3986
 * so that the wire tests do not check the SDK's encoder against itself.
 */
const UNRESERVED = /[A-Za-z0-9\-._~]/;

/** Every UTF-8 byte outside the unreserved set as `%XX`, upper-case hex. */
export function referencePercentEncode(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const char = String.fromCharCode(byte);
    out +=
      byte < 0x80 && UNRESERVED.test(char)
        ? char
        : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** `name=value&…` with {@link referencePercentEncode}. */
export function referenceForm(fields: ReadonlyArray<readonly [string, string]>): string {
  return fields
    .map(([n, v]) => `${referencePercentEncode(n)}=${referencePercentEncode(v)}`)
    .join('&');
}
