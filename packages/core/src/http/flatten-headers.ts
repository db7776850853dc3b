/**
 * Response headers as undici's dispatch interface hands them (`[name, value, name, value, …]`,
 * latin1 bytes as HTTP/1.1 carries them) turned into one lower-case string per name, repeated
 * headers joined with `, ` (RFC 9110 §5.3). `nameOf` is undici's `util.headerNameToString`,
 * which finds the common names without allocating (passed in, as undici is loaded lazily).
 */
export function flattenHeaders(
  raw: ReadonlyArray<Buffer | string>,
  nameOf: (name: Buffer | string) => string,
): Record<string, string> {
  const flat: Record<string, string> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const key = nameOf(raw[i] as Buffer | string);
    const value = raw[i + 1] as Buffer | string;
    const text = typeof value === 'string' ? value : value.toString('latin1');
    if (Object.hasOwn(flat, key)) flat[key] = `${flat[key]}, ${text}`;
    // A header named `__proto__` becomes an own field, never the object's prototype.
    else if (key === '__proto__')
      Object.defineProperty(flat, key, {
        value: text,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    else flat[key] = text;
  }
  return flat;
}

/**
 * The value `flattenHeaders` gives for `name` (lower case), or undefined when `raw` has no
 * such header, found without building the whole object: only the names of `name`'s length are
 * looked up, since lower-casing never changes the length of a name that becomes an ASCII one.
 * Repeated headers are joined with `, ` (RFC 9110 §5.3). Throws nothing.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-5.3
 */
export function headerValue(
  raw: ReadonlyArray<Buffer | string>,
  name: string,
  nameOf: (name: Buffer | string) => string,
): string | undefined {
  let found: string | undefined;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const key = raw[i] as Buffer | string;
    if (key.length !== name.length || nameOf(key) !== name) continue;
    const value = raw[i + 1] as Buffer | string;
    const text = typeof value === 'string' ? value : value.toString('latin1');
    found = found === undefined ? text : `${found}, ${text}`;
  }
  return found;
}
