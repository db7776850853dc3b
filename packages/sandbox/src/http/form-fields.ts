/** Reading `application/x-www-form-urlencoded` fields, as PHP does: the last of a repeated name wins. */

/** The fields of a query string or form body (`+` is a space, `%XX` decoded as UTF-8). */
export function formFields(encoded: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const [name, value] of new URLSearchParams(encoded)) fields.set(name, value);
  return fields;
}
