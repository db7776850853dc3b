/** `@afilnet-chat/transport-soap`: the SOAP 1.1 + WS-Security flavour of the Afilnet Web Chat API. */
import './register.js';

export { createSoapTransport, SOAP_CONTENT_TYPE, type SoapTransportOptions } from './create-soap-transport.js';
export { encodeEnvelope } from './encode-envelope.js';
export { encodeUsernameToken, type DigestInputs } from './encode-username-token.js';
export { passwordDigest } from './password-digest.js';
export { escapeXml, findXmlIllegalCharacter } from './escape-xml.js';
export { createXmlReader, XmlReadError, type XmlReader } from './create-xml-reader.js';
export { attributeOf, childNamed, isElement, type XmlAttribute, type XmlElement } from './xml-element.js';
export { decodeSoapPayload } from './decode-soap-payload.js';
export { readWsdl, WSDL_PATH, WSDL_DEFAULT_LOCATION } from './wsdl.js';
export {
  SOAP11_NS,
  SOAP12_NS,
  CHAT_NS,
  WSSE_NS,
  WSU_NS,
  XSI_NS,
  PASSWORD_TEXT_TYPE,
  PASSWORD_DIGEST_TYPE,
  BASE64_ENCODING_TYPE,
  soapActionOf,
} from './soap-namespaces.js';
