/**
 * The `Host` check of the inbox, event and control routes (SPEC §12). A web page on another
 * site can make a browser send requests to 127.0.0.1 under its own name (DNS rebinding); such a
 * request carries that name in `Host`, so only loopback names and the bound address pass.
 */

function hostnameOf(host: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(host);
  if (bracketed) return (bracketed[1] as string).toLowerCase();
  const colon = host.lastIndexOf(':');
  return (colon >= 0 && /^\d+$/.test(host.slice(colon + 1)) ? host.slice(0, colon) : host).toLowerCase();
}

function isLoopbackName(name: string): boolean {
  return (
    name === 'localhost' ||
    name.endsWith('.localhost') ||
    name === '::1' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name)
  );
}

/**
 * True when the request's `Host` header names a loopback host (`localhost`, `*.localhost`,
 * `127.x.x.x`, `[::1]`) or the address the sandbox is bound to, with any port. A missing header
 * does not pass (HTTP/1.1 requires it, RFC 9112 §3.2).
 */
export function isAllowedHost(host: string | undefined, boundHost: string): boolean {
  if (host === undefined || host === '') return false;
  const name = hostnameOf(host);
  return isLoopbackName(name) || name === hostnameOf(boundHost.includes(':') && !boundHost.startsWith('[') ? `[${boundHost}]` : boundHost);
}
