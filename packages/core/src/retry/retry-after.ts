/** Reading the `Retry-After` header (RFC 9110 §10.2.3). */

/**
 * The wait a `Retry-After` value asks for, in ms: delay-seconds or an HTTP-date. Undefined when
 * absent or unreadable; never negative.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-10.2.3
 */
export function parseRetryAfter(
  value: string | undefined,
  now: number = Date.now(),
): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
