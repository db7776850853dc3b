/**
 * Signing a webhook as Standard Webhooks specifies, with Node's native HMAC-SHA256: the
 * `standardwebhooks` package computes the same signature with a SHA-256 written in JavaScript,
 * about ten times the CPU per message for the relay's bodies. Receivers verify it with that
 * package (or any Standard Webhooks library); the relay's tests check that they do.
 *
 * @see https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md#signature-scheme
 * @see https://www.rfc-editor.org/rfc/rfc2104
 */
import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import { WEBHOOK_SECRET_PREFIX } from './webhook-secret.js';

/** Signs one attempt: what the `webhook-signature` header holds. */
export interface WebhookSigner {
  /**
   * `v1,` and the base64 HMAC-SHA256, keyed with the secret, of `id.timestamp.body`, the
   * timestamp in whole seconds since the epoch.
   */
  sign(id: string, timestamp: Date, body: string): string;
}

/**
 * A signer for `secret` (`whsec_` and the base64 of the key, checked beforehand with
 * `checkWebhookSecret`). The key is kept in a `KeyObject`, which never shows its bytes when
 * printed or serialised.
 */
export function createWebhookSigner(secret: string): WebhookSigner {
  const encoded = secret.startsWith(WEBHOOK_SECRET_PREFIX)
    ? secret.slice(WEBHOOK_SECRET_PREFIX.length)
    : secret;
  const key: KeyObject = createSecretKey(Buffer.from(encoded, 'base64'));
  return {
    sign(id, timestamp, body) {
      const seconds = Math.floor(timestamp.getTime() / 1000);
      const digest = createHmac('sha256', key)
        .update(`${id}.${seconds}.`)
        .update(body)
        .digest('base64');
      return `v1,${digest}`;
    },
  };
}
