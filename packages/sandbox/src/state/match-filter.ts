/** Matching records against the filters of `messages(filter)` and `requests(filter)`. */

/**
 * True when every field of `filter` equals the record's field. A string in the filter also
 * matches a number or boolean that prints the same, so that a query string (`?id=7`,
 * `?sent=true`) can filter on them.
 */
export function matchesFilter(record: object, filter: Readonly<Record<string, unknown>>): boolean {
  const fields = record as Readonly<Record<string, unknown>>;
  return Object.entries(filter).every(([name, wanted]) => {
    const actual = fields[name];
    if (actual === wanted) return true;
    return (
      typeof wanted === 'string' &&
      (typeof actual === 'number' || typeof actual === 'boolean') &&
      String(actual) === wanted
    );
  });
}
