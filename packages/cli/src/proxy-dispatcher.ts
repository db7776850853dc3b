/**
 * The CLI's proxy support: `HTTPS_PROXY`, `HTTP_PROXY` and `NO_PROXY` (or their
 * lower-case forms) through undici's `EnvHttpProxyAgent`, given to the client as its
 * `dispatcher`, so that every request, token requests included, follows them; the relay posts
 * its webhooks through them too.
 *
 * @see https://undici.nodejs.org/#/docs/api/EnvHttpProxyAgent
 */
import type { Agent, Dispatcher } from 'undici';

type Env = Readonly<Record<string, string | undefined>>;

/** The first non-empty value among `names`. */
function first(env: Env, names: readonly string[]): string | undefined {
  for (const name of names) {
    const value = env[name];
    if (value !== undefined && value !== '') return value;
  }
  return undefined;
}

/** The proxies `env` names, and the hosts it exempts. */
export interface ProxySettings {
  readonly httpProxy: string | undefined;
  readonly httpsProxy: string | undefined;
  readonly noProxy: string;
}

/** Reads the proxy variables as curl and undici do: lower case first. */
export function proxySettings(env: Env): ProxySettings {
  return {
    httpProxy: first(env, ['http_proxy', 'HTTP_PROXY']),
    httpsProxy: first(env, ['https_proxy', 'HTTPS_PROXY']),
    noProxy: first(env, ['no_proxy', 'NO_PROXY']) ?? '',
  };
}

/**
 * A dispatcher routing through the proxies `env` names, or undefined when it names none (the
 * client then uses its own pool, and undici is not loaded for this). `agent` (a connect
 * timeout, say) applies to the connections it makes.
 */
export async function proxyDispatcher(
  env: Env,
  agent: Agent.Options = {},
): Promise<Dispatcher | undefined> {
  const { httpProxy, httpsProxy, noProxy } = proxySettings(env);
  if (httpProxy === undefined && httpsProxy === undefined) return undefined;
  const { EnvHttpProxyAgent } = await import('undici');
  // Every value given (an empty string for none): the CLI's environment is `env`, which need not
  // be `process.env`, where EnvHttpProxyAgent would look otherwise. HTTPS falls back to the HTTP proxy.
  return new EnvHttpProxyAgent({
    ...agent,
    httpProxy: httpProxy ?? '',
    httpsProxy: httpsProxy ?? httpProxy ?? '',
    noProxy,
  });
}

/** The password of a proxy URL (`http://user:secret@proxy:3128`), which output must never show. */
export function proxySecrets(env: Env): string[] {
  const { httpProxy, httpsProxy } = proxySettings(env);
  const secrets: string[] = [];
  for (const value of [httpProxy, httpsProxy]) {
    if (value === undefined) continue;
    try {
      const password = decodeURIComponent(new URL(value).password);
      if (password !== '') secrets.push(password);
    } catch {
      // Not a URL: undici refuses it with its own error, which quotes no password.
    }
  }
  return secrets;
}
