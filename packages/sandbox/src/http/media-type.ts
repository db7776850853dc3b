/**
 * Reading a `Content-Type` header: the media type alone, parameters such as `charset` and the
 * letter case aside (RFC 9110 §8.3.1). Every door that requires a body's type asks here.
 */

/** The media type of a `Content-Type` header, lower case and without parameters; empty when absent. */
export function mediaTypeOf(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/** Whether a `Content-Type` names `application/json`: the JSON API door and the control API require it. */
export function isJsonContentType(contentType: string | undefined): boolean {
  return mediaTypeOf(contentType) === 'application/json';
}

/** Whether a `Content-Type` names a form (`application/x-www-form-urlencoded`). */
export function isFormContentType(contentType: string | undefined): boolean {
  return mediaTypeOf(contentType) === 'application/x-www-form-urlencoded';
}
