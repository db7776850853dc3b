/** The client's defaults (docs/behaviour.md, "Configuration"), each stated once. */

/** The default base URL: Afilnet's own service. */
export const DEFAULT_BASE_URL = 'https://www.afilnet.com';
/** The default overall deadline of a call, retries and token requests included. */
export const DEFAULT_TIMEOUT_MS = 30_000;
/** The default cap on a response body. */
export const DEFAULT_MAX_RESPONSE_BYTES = 4 * 1024 * 1024;
/** The default cap on a message, in code points (WhatsApp's and Telegram's limit). */
export const DEFAULT_MAX_MESSAGE_LENGTH = 4096;
