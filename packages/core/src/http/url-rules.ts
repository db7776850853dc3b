/**
 * The URL rules every part of the SDK applies: which URLs are accepted at all, and which are
 * refused as insecure (`http://` only with `allowInsecureHttp`, else `INSECURE_URL`).
 */
import { AfilnetValidationError, type ValidationIssue } from '../errors/errors.js';

/** True when `value` parses as an absolute `http:` or `https:` URL (WHATWG URL). */
export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

/**
 * True when `value` is a URL with a user or password in it (`https://user:secret@host/`). Such a
 * URL is refused: undici drops the credentials without a word, `fetch` refuses the URL with an
 * error quoting it, and a URL is logged and printed where a secret must never be. The check is on
 * the parsed URL (WHATWG URL), so a user without a password, or a percent-encoded one, is found too.
 */
export function hasUrlCredentials(value: string): boolean {
  try {
    const url = new URL(value);
    return url.username !== '' || url.password !== '';
  } catch {
    return false;
  }
}

/**
 * Refuses every `http://` URL among `urls` (`[optionPath, url]`, absent ones skipped) unless
 * `allowInsecureHttp`, listing each by its option path.
 *
 * @throws {AfilnetValidationError} `INSECURE_URL`.
 */
export function refuseInsecureUrls(
  urls: ReadonlyArray<readonly [path: string, url: string | undefined]>,
  allowInsecureHttp: boolean,
): void {
  if (allowInsecureHttp) return;
  const issues: ValidationIssue[] = [];
  for (const [path, url] of urls) {
    if (url !== undefined && new URL(url).protocol === 'http:') {
      issues.push({
        path,
        message:
          'uses http://, which sends credentials in clear text; set allowInsecureHttp: true for a local server',
      });
    }
  }
  if (issues.length > 0)
    throw new AfilnetValidationError('INSECURE_URL', 'Refusing an insecure URL', { issues });
}
