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

const CONTENT_LENGTH = 'content-length';

/** True when the bytes of `key` are `name` (lower-case ASCII) in any ASCII case. */
function isNamed(key: Buffer, name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const byte = key[i];
    const code = name.charCodeAt(i);
    // Only ASCII letters fold: no other latin1 byte lower-cases to an ASCII character.
    if (byte !== code && !(code >= 0x61 && code <= 0x7a && byte === code - 0x20)) return false;
  }
  return true;
}

/**
 * `Number(headerValue(raw, 'content-length', nameOf))`: the length a response declares (NaN
 * when it declares none, repeats the header or says something that is not a number), read in
 * the common case (one header of ASCII digits, as raw bytes) without making a string of its name
 * or its value; every other case is computed exactly as that expression does. The response
 * handler checks it against the size limit before reading the body. Throws nothing.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-8.6
 */
export function declaredLength(
  raw: ReadonlyArray<Buffer | string>,
  nameOf: (name: Buffer | string) => string,
): number {
  let found: Buffer | string | undefined;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const key = raw[i] as Buffer | string;
    if (key.length !== CONTENT_LENGTH.length) continue;
    if (typeof key === 'string' ? nameOf(key) !== CONTENT_LENGTH : !isNamed(key, CONTENT_LENGTH))
      continue;
    // Repeated: the values joined, as headerValue gives them.
    if (found !== undefined) return Number(headerValue(raw, CONTENT_LENGTH, nameOf));
    found = raw[i + 1] as Buffer | string;
  }
  if (found === undefined) return Number.NaN;
  if (typeof found !== 'string' && found.length > 0 && found.length <= 15) {
    let length = 0;
    for (let i = 0; i < found.length; i++) {
      const digit = (found[i] as number) - 0x30;
      if (digit < 0 || digit > 9) return Number(found.toString('latin1'));
      length = length * 10 + digit;
    }
    return length;
  }
  return Number(typeof found === 'string' ? found : found.toString('latin1'));
}
