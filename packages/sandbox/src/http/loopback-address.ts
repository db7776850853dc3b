/** Whether a request came from this machine, by its socket's remote address. */

/**
 * True for an IPv4 loopback address (127.0.0.0/8, RFC 1122 §3.2.1.3), also written IPv4-mapped
 * (RFC 4291 §2.5.5.2), and for `::1`.
 */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined) return false;
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}
