/**
 * `@afilnet-chat/soap-xml`: what the SOAP transport and the sandbox both need to speak SOAP 1.1,
 * and nothing that signs or checks a credential. It depends on no other package of the project.
 */
export {
  createXmlReader,
  XmlReadError,
  type StopCondition,
  type XmlReader,
} from './create-xml-reader.js';
export {
  attributeOf,
  childNamed,
  isElement,
  type XmlAttribute,
  type XmlElement,
} from './xml-element.js';
export { escapeXml, findXmlIllegalCharacter } from './escape-xml.js';
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
} from './soap-namespaces.js';
export { readWsdl, WSDL_PATH, WSDL_DEFAULT_LOCATION } from './wsdl.js';
