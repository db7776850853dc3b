/**
 * The client configuration of a command: the `AFILNET_*` environment, overridden by the
 * command-line options, with the password from standard input when asked.
 */
import { configFromEnv, type ChatClientConfig } from '@afilnet-chat/core';
import type { CliIo } from './cli-io.js';
import { CliUsageError } from './cli-usage-error.js';
import type { OptionValues } from './parse-command-line.js';
import { proxyDispatcher, proxySecrets } from './proxy-dispatcher.js';
import { readPasswordStdin } from './read-password-stdin.js';

/** A configuration and the secrets in it, which the CLI keeps out of everything it prints. */
export interface ClientSetup {
  readonly config: ChatClientConfig;
  readonly secrets: readonly string[];
}

/**
 * Builds the client configuration from the environment and the connection options. When the
 * environment names a proxy (`HTTPS_PROXY`, `HTTP_PROXY`, `NO_PROXY`), the configuration's
 * `dispatcher` follows it; the caller closes that dispatcher after the client.
 *
 * @throws {CliUsageError} for a `--timeout` that is not a positive whole number, or a failed
 *   `--password-stdin` read.
 * @throws {AfilnetValidationError} `INVALID_CONFIG` for an unreadable `AFILNET_*` variable.
 */
export async function buildClientConfig(values: OptionValues, io: CliIo): Promise<ClientSetup> {
  const base = configFromEnv(io.env);
  const overrides: Record<string, unknown> = {};
  const text = (name: string): string | undefined => {
    const value = values[name];
    return typeof value === 'string' ? value : undefined;
  };

  const transport = text('transport');
  if (transport !== undefined) overrides.transport = transport;
  const baseUrl = text('base-url');
  if (baseUrl !== undefined) overrides.baseUrl = baseUrl;
  const minimum = text('min-security');
  if (minimum !== undefined) overrides.minimumSecurity = minimum;
  const timeout = text('timeout');
  if (timeout !== undefined) {
    if (!/^\d+$/.test(timeout) || Number(timeout) <= 0 || !Number.isSafeInteger(Number(timeout))) {
      throw new CliUsageError(
        `--timeout must be a positive whole number of milliseconds, not ${JSON.stringify(timeout)}`,
      );
    }
    overrides.timeoutMs = Number(timeout);
  }
  if (values['allow-insecure-http'] === true) overrides.allowInsecureHttp = true;

  // AFILNET_PASSWORD_FILE makes the environment's credentials a function, read at each use.
  const fromFile = typeof base.credentials === 'function' ? base.credentials : undefined;
  const fromEnv = typeof base.credentials === 'function' ? undefined : base.credentials;
  const user =
    text('user') ?? (fromFile === undefined ? fromEnv?.user : io.env.AFILNET_USER || undefined);
  const password =
    values['password-stdin'] === true
      ? await readPasswordStdin(io.stdin)
      : fromFile === undefined
        ? fromEnv?.password
        : undefined;
  if (fromFile !== undefined && password === undefined) {
    overrides.credentials = async () => ({
      ...(await fromFile()),
      ...(user === undefined ? {} : { user }),
    });
  } else if (user !== undefined || password !== undefined)
    overrides.credentials = { user, password };

  const dispatcher = await proxyDispatcher(io.env);
  if (dispatcher !== undefined) overrides.dispatcher = dispatcher;

  const config = configFromEnv(io.env, overrides as Partial<ChatClientConfig>);
  const secrets = [password, config.oauth?.clientSecret, ...proxySecrets(io.env)].filter(
    (s): s is string => typeof s === 'string' && s !== '',
  );
  if (user !== undefined && password !== undefined) {
    secrets.push(Buffer.from(`${user}:${password}`, 'utf8').toString('base64'));
  }
  return { config, secrets };
}
