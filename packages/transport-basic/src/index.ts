/** `@afilnet-chat/transport-basic`: the HTTP Basic-auth flavour of the Afilnet Web Chat API. */

export {
  createBasicTransport,
  BASIC_FORM_CONTENT_TYPE,
  type BasicTransportOptions,
} from './create-basic-transport.js';
export { basicAuthorization } from './basic-authorization.js';
