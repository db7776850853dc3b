/**
 * `@afilnet-chat/transport-soap`: the SOAP 1.1 + WS-Security flavour of the Afilnet Web Chat API.
 * The XML reader, escaping, namespace constants and the WSDL live in `@afilnet-chat/soap-xml`.
 */

export {
  createSoapTransport,
  SOAP_CONTENT_TYPE,
  type SoapTransportOptions,
} from './create-soap-transport.js';
export { encodeEnvelope } from './encode-envelope.js';
export { encodeUsernameToken, type DigestInputs } from './encode-username-token.js';
export { passwordDigest } from './password-digest.js';
export { decodeSoapPayload } from './decode-soap-payload.js';
export { soapActionOf } from './soap-action.js';
