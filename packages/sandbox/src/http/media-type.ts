/**
 * Whether a `Content-Type` header names `application/json` (parameters such as `charset` and the
 * letter case aside, RFC 9110 §8.3.1). The JSON API door and the control API both require it.
 */
export function isJsonContentType(contentType: string | undefined): boolean {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() === 'application/json';
}
