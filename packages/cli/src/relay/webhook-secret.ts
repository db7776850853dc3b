/**
 * The signing secret of the relay: `whsec_` followed by the base64 of 24 to 64 random bytes, the
 * form Standard Webhooks gives (and its `standardwebhooks` package reads).
 *
 * @see https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md#signature-scheme
 */

/** The prefix of a Standard Webhooks secret. */
export const WEBHOOK_SECRET_PREFIX = 'whsec_';
/** The fewest key bytes accepted (192 bits). */
export const WEBHOOK_SECRET_MIN_BYTES = 24;
/** The most key bytes accepted. */
export const WEBHOOK_SECRET_MAX_BYTES = 64;

/** The outcome of {@link checkWebhookSecret}: a reason never quotes the secret. */
export type WebhookSecretCheck =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: string };

/**
 * Checks the form of a webhook secret without ever quoting it: missing, without the `whsec_`
 * prefix, not base64, or a key shorter than 24 or longer than 64 bytes.
 *
 * @param secret the value of `AFILNET_WEBHOOK_SECRET`, or undefined when it is not set.
 */
export function checkWebhookSecret(secret: string | undefined): WebhookSecretCheck {
  if (secret === undefined || secret === '')
    return { ok: false, reason: 'AFILNET_WEBHOOK_SECRET is not set' };
  if (!secret.startsWith(WEBHOOK_SECRET_PREFIX)) {
    return {
      ok: false,
      reason: `AFILNET_WEBHOOK_SECRET does not start with ${WEBHOOK_SECRET_PREFIX}`,
    };
  }
  const key = secret.slice(WEBHOOK_SECRET_PREFIX.length);
  // Standard base64 with its padding, as the standardwebhooks package decodes it.
  if (key.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(key)) {
    return {
      ok: false,
      reason: `AFILNET_WEBHOOK_SECRET is not ${WEBHOOK_SECRET_PREFIX} followed by base64`,
    };
  }
  const bytes = Buffer.from(key, 'base64').length;
  if (bytes < WEBHOOK_SECRET_MIN_BYTES || bytes > WEBHOOK_SECRET_MAX_BYTES) {
    return {
      ok: false,
      reason: `AFILNET_WEBHOOK_SECRET holds a ${bytes}-byte key; it must be ${WEBHOOK_SECRET_MIN_BYTES} to ${WEBHOOK_SECRET_MAX_BYTES} bytes`,
    };
  }
  return { ok: true };
}
