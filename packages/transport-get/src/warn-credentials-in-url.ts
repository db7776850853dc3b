/**
 * The one-time warning of the GET flavour: credentials in a URL end up in proxy and server logs.
 */

let warned = false;

/** The warning's code, for `process.on('warning')` listeners that want to silence or count it. */
export const CREDENTIALS_IN_URL_WARNING = 'AFILNET_CREDENTIALS_IN_URL';

/** Emits the process warning the first time the GET transport sends, and never again. */
export function warnCredentialsInUrl(): void {
  if (warned) return;
  warned = true;
  process.emitWarning(
    'The afilnet-chat get transport sends the account password in the URL query string, where proxies and server logs can keep it. Prefer the post, basic, soap or json-oauth transport.',
    { code: CREDENTIALS_IN_URL_WARNING, type: 'SecurityWarning' },
  );
}
