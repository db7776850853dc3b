/**
 * The rules on a transport's options that depend on which transport reads them (docs/behaviour.md,
 * "Configuration"), written once for both ways of building a transport: `resolveConfig` runs
 * them for the client's configuration, `resolveTransportOptions` for a factory called by hand.
 */
import { AfilnetValidationError, type ValidationIssue } from './errors.js';
import { refuseInsecureUrls } from './http-url.js';
import type { Credentials } from './transport.js';
import type { OAuthOptions } from './transport-options.js';

/** The options the rules read, after their schemas accepted them. */
export interface RuledOptions {
  readonly baseUrl: string;
  readonly credentials?: Credentials | undefined;
  readonly oauth?: OAuthOptions | undefined;
  readonly allowInsecureHttp?: boolean | undefined;
}

/**
 * The problems of `options` for the transport `name`:
 * - json-oauth needs a client id and secret, from `oauth` or else from `credentials`;
 * - every other transport needs `credentials`;
 * - basic cannot carry a user holding `:` (RFC 7617 §2: the user-pass splits at the first `:`).
 */
function issuesOf(name: string, options: RuledOptions): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  if (name === 'json-oauth') {
    if (!(options.oauth?.clientId ?? options.credentials?.user)) {
      issues.push({ path: 'oauth.clientId', message: 'is required (or credentials.user)' });
    }
    if (!(options.oauth?.clientSecret ?? options.credentials?.password)) {
      issues.push({ path: 'oauth.clientSecret', message: 'is required (or credentials.password)' });
    }
  } else if (options.credentials === undefined) {
    issues.push({ path: 'credentials', message: 'is required (user and password)' });
  }
  if (name === 'basic' && options.credentials?.user.includes(':')) {
    issues.push({
      path: 'credentials.user',
      message: "must not contain ':' with the basic transport (RFC 7617 §2)",
    });
  }
  return issues;
}

/**
 * Applies the rules of the transport `name` to options its schemas accepted, then refuses
 * `http://` URLs (`baseUrl`, `oauth.tokenUrl`, `oauth.issuer`) unless `allowInsecureHttp`.
 *
 * @throws {AfilnetValidationError} `INVALID_CONFIG` with `message` and every problem listed;
 *   `INSECURE_URL` for an `http://` URL without `allowInsecureHttp`.
 * @see https://www.rfc-editor.org/rfc/rfc7617#section-2
 */
export function checkTransportOptions(name: string, options: RuledOptions, message: string): void {
  const issues = issuesOf(name, options);
  if (issues.length > 0) throw new AfilnetValidationError('INVALID_CONFIG', message, { issues });
  refuseInsecureUrls(
    [
      ['baseUrl', options.baseUrl],
      ['oauth.tokenUrl', options.oauth?.tokenUrl],
      ['oauth.issuer', options.oauth?.issuer],
    ],
    options.allowInsecureHttp ?? false,
  );
}
