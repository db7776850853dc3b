/** The client's defaults (SPEC §3, §4), each stated once. */

/** The default base URL (SPEC §3). */
export const DEFAULT_BASE_URL = 'https://www.afilnet.com';
/** The default overall deadline of a call (SPEC §4). */
export const DEFAULT_TIMEOUT_MS = 30_000;
/** The default cap on a response body. */
export const DEFAULT_MAX_RESPONSE_BYTES = 4 * 1024 * 1024;
/** The default cap on a message, in code points (WhatsApp's and Telegram's limit). */
export const DEFAULT_MAX_MESSAGE_LENGTH = 4096;
