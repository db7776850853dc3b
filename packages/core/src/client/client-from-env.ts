/**
 * Building a client from environment variables (docs/behaviour.md, "Environment").
 */
import { createChatClient, type ChatClient } from './client.js';
import type { ChatClientConfig } from '../config/config-schema.js';
import { AfilnetValidationError } from '../errors/errors.js';
import type { SecurityRating } from '../transport/security.js';
import type { TransportName } from '../transport/built-in-transports.js';
import { readSecretFile } from '../credentials/secret-file.js';

/** The variables read by {@link createChatClientFromEnv}. */
export const ENV_VARIABLES = [
  'AFILNET_TRANSPORT',
  'AFILNET_BASE_URL',
  'AFILNET_USER',
  'AFILNET_PASSWORD',
  'AFILNET_PASSWORD_FILE',
  'AFILNET_CLIENT_ID',
  'AFILNET_CLIENT_SECRET',
  'AFILNET_CLIENT_SECRET_FILE',
  'AFILNET_TOKEN_URL',
  'AFILNET_MIN_SECURITY',
  'AFILNET_TIMEOUT_MS',
  'AFILNET_ALLOW_INSECURE_HTTP',
] as const;

/**
 * Translates environment variables into a {@link ChatClientConfig}; empty variables count as
 * unset. `overrides` win over the environment (the CLI passes its flags this way).
 * `AFILNET_PASSWORD_FILE` and `AFILNET_CLIENT_SECRET_FILE` become functions that read the file
 * at first use and again after the server refuses what it held (trailing newlines removed).
 *
 * @throws {AfilnetValidationError} `INVALID_CONFIG` for a variable that cannot be read (a
 *   non-numeric timeout, a flag other than `1`/`true`/`0`/`false`), or a secret given both as a
 *   value and as a `_FILE`.
 */
export function configFromEnv(
  env: Readonly<Record<string, string | undefined>> = process.env,
  overrides: Partial<ChatClientConfig> = {},
): ChatClientConfig {
  const read = (name: string): string | undefined => {
    const value = env[name];
    return value === undefined || value === '' ? undefined : value;
  };
  const problems: Array<{ path: string; message: string }> = [];
  const config: Record<string, unknown> = {};

  const transport = read('AFILNET_TRANSPORT');
  if (transport !== undefined) config.transport = transport as TransportName;
  const baseUrl = read('AFILNET_BASE_URL');
  if (baseUrl !== undefined) config.baseUrl = baseUrl;
  const user = read('AFILNET_USER');
  const password = read('AFILNET_PASSWORD');
  const passwordFile = read('AFILNET_PASSWORD_FILE');
  const bothSet = (name: string) =>
    problems.push({ path: `${name}_FILE`, message: `must not be set together with ${name}` });
  if (passwordFile !== undefined) {
    if (password !== undefined) bothSet('AFILNET_PASSWORD');
    config.credentials = async () => ({ user, password: await readSecretFile(passwordFile) });
  } else if (user !== undefined || password !== undefined) config.credentials = { user, password };

  const oauth: Record<string, unknown> = {};
  const clientId = read('AFILNET_CLIENT_ID');
  const clientSecret = read('AFILNET_CLIENT_SECRET');
  const clientSecretFile = read('AFILNET_CLIENT_SECRET_FILE');
  const tokenUrl = read('AFILNET_TOKEN_URL');
  if (clientId !== undefined) oauth.clientId = clientId;
  if (clientSecretFile !== undefined) {
    if (clientSecret !== undefined) bothSet('AFILNET_CLIENT_SECRET');
    oauth.clientSecret = () => readSecretFile(clientSecretFile);
  } else if (clientSecret !== undefined) oauth.clientSecret = clientSecret;
  if (tokenUrl !== undefined) oauth.tokenUrl = tokenUrl;
  if (Object.keys(oauth).length > 0) config.oauth = oauth;

  const minimum = read('AFILNET_MIN_SECURITY');
  if (minimum !== undefined) config.minimumSecurity = minimum as SecurityRating;

  const timeout = read('AFILNET_TIMEOUT_MS');
  if (timeout !== undefined) {
    const ms = Number(timeout);
    if (!/^\d+$/.test(timeout.trim()) || !Number.isSafeInteger(ms)) {
      problems.push({
        path: 'AFILNET_TIMEOUT_MS',
        message: 'must be a whole number of milliseconds',
      });
    } else config.timeoutMs = ms;
  }
  const insecure = read('AFILNET_ALLOW_INSECURE_HTTP');
  if (insecure !== undefined) {
    const word = insecure.trim().toLowerCase();
    if (word === '1' || word === 'true') config.allowInsecureHttp = true;
    else if (word === '0' || word === 'false') config.allowInsecureHttp = false;
    else
      problems.push({
        path: 'AFILNET_ALLOW_INSECURE_HTTP',
        message: 'must be 1, true, 0 or false',
      });
  }
  if (problems.length > 0) {
    throw new AfilnetValidationError('INVALID_CONFIG', 'Invalid environment configuration', {
      issues: problems,
    });
  }
  return { ...(config as unknown as ChatClientConfig), ...overrides };
}

/**
 * Creates a client from `AFILNET_*` environment variables. `AFILNET_TRANSPORT` has no
 * default: how credentials travel is the user's decision.
 *
 * @throws {AfilnetValidationError} as {@link configFromEnv} and `createChatClient` do.
 */
export function createChatClientFromEnv(
  env: Readonly<Record<string, string | undefined>> = process.env,
): ChatClient {
  return createChatClient(configFromEnv(env));
}
