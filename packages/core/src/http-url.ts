/**
 * The URL rules every part of the SDK applies: which URLs are accepted at all, and which are
 * refused as insecure (SPEC §4: `http://` only with `allowInsecureHttp`).
 */
import { AfilnetValidationError, type ValidationIssue } from './errors.js';

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
      issues.push({ path, message: 'uses http://, which sends credentials in clear text; set allowInsecureHttp: true for a local server' });
    }
  }
  if (issues.length > 0) throw new AfilnetValidationError('INSECURE_URL', 'Refusing an insecure URL', { issues });
}
