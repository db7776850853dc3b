/**
 * The `Host` check. A web page on another site can make a browser send requests to
 * 127.0.0.1 under its own name (DNS rebinding); such a request carries that name in `Host`, so
 * only loopback names, the bound address and the names a developer allowed pass. The inbox,
 * event and control routes are always checked; when the sandbox is bound to loopback, so are the
 * API doors, or a page could read the demo account's messages with its public password.
 */

function hostnameOf(host: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(host);
  if (bracketed) return (bracketed[1] as string).toLowerCase();
  const colon = host.lastIndexOf(':');
  return (
    colon >= 0 && /^\d+$/.test(host.slice(colon + 1)) ? host.slice(0, colon) : host
  ).toLowerCase();
}

function isLoopbackName(name: string): boolean {
  return (
    name === 'localhost' ||
    name.endsWith('.localhost') ||
    name === '::1' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name)
  );
}

/** The bound address as `Host` names it: an IPv6 address without brackets, lower case. */
function boundNameOf(boundHost: string): string {
  return hostnameOf(
    boundHost.includes(':') && !boundHost.startsWith('[') ? `[${boundHost}]` : boundHost,
  );
}

/** True when the sandbox listens on a loopback address or name only. Throws nothing. */
export function isLoopbackBinding(boundHost: string): boolean {
  return isLoopbackName(boundNameOf(boundHost));
}

/** A DNS name: letters, digits, `-` and `_` in dot-separated labels. */
const DNS_NAME = /^[a-z0-9_-]+(?:\.[a-z0-9_-]+)*\.?$/i;
/** An IPv6 address (two colons at least), with or without brackets. */
const IPV6_ADDRESS = /^\[?[0-9a-f.]*:[0-9a-f.]*:[0-9a-f.:]*\]?$/i;

function isHostName(name: unknown): name is string {
  return typeof name === 'string' && (name.includes(':') ? IPV6_ADDRESS : DNS_NAME).test(name);
}

/**
 * The names of `allowedHosts`, as {@link isAllowedHost} compares them: lower case, an IPv6
 * address without brackets.
 *
 * @throws {TypeError} naming the first entry (`allowedHosts[1]`) that is not a host name (a
 *   port, scheme, path or wildcard included), or when the option is not a list.
 */
export function allowedHostNames(allowedHosts: readonly string[] | undefined): ReadonlySet<string> {
  if (allowedHosts === undefined) return new Set();
  if (!Array.isArray(allowedHosts))
    throw new TypeError('allowedHosts must be a list of host names');
  return new Set(
    allowedHosts.map((name: unknown, i) => {
      if (!isHostName(name)) {
        throw new TypeError(
          `allowedHosts[${i}] must be a host name, such as my-container (no port, scheme or path)`,
        );
      }
      return hostnameOf(name.includes(':') && !name.startsWith('[') ? `[${name}]` : name).replace(
        /\.$/,
        '',
      );
    }),
  );
}

/**
 * True when the request's `Host` header names a loopback host (`localhost`, `*.localhost`,
 * `127.x.x.x`, `[::1]`), the address the sandbox is bound to, or one of `allowed` (from
 * {@link allowedHostNames}), with any port. A missing header does not pass (HTTP/1.1 requires
 * it, RFC 9112 §3.2).
 */
export function isAllowedHost(
  host: string | undefined,
  boundHost: string,
  allowed: ReadonlySet<string> = new Set(),
): boolean {
  if (host === undefined || host === '') return false;
  const name = hostnameOf(host);
  return (
    isLoopbackName(name) || name === boundNameOf(boundHost) || allowed.has(name.replace(/\.$/, ''))
  );
}
