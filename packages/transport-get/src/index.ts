/** `@afilnet-chat/transport-get`: the HTTP GET flavour of the Afilnet Web Chat API. */

export {
  createGetTransport,
  MAX_GET_URL_LENGTH,
  type GetTransportOptions,
} from './create-get-transport.js';
export { CREDENTIALS_IN_URL_WARNING } from './warn-credentials-in-url.js';
