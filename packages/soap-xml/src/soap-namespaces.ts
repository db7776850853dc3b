/**
 * The namespace URIs and URIs of the SOAP flavour, the same for the client and the server
 * (docs/behaviour.md#soap; SOAP 1.1 §4; OASIS WSS UsernameToken Profile 1.0 §3.1; XML Schema Part 1 §2.6.2).
 */

/** SOAP 1.1 envelope namespace. */
export const SOAP11_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
/** SOAP 1.2 envelope namespace, recognised only to answer a version mismatch. */
export const SOAP12_NS = 'http://www.w3.org/2003/05/soap-envelope';
/** The API's namespace, of the wrapper elements `chat:M` and `chat:MResponse`. */
export const CHAT_NS = 'urn:afilnet:chat';
/** WS-Security 1.0 `wsse` namespace. */
export const WSSE_NS =
  'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd';
/** WS-Security 1.0 utility (`wsu`) namespace, of `wsu:Created`. */
export const WSU_NS =
  'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd';
/** XML Schema instance namespace, of `xsi:nil`. */
export const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';

const TOKEN_PROFILE =
  'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0';
/** `wsse:Password/@Type` of a clear-text password. */
export const PASSWORD_TEXT_TYPE = `${TOKEN_PROFILE}#PasswordText`;
/** `wsse:Password/@Type` of a password digest. */
export const PASSWORD_DIGEST_TYPE = `${TOKEN_PROFILE}#PasswordDigest`;
/** `wsse:Nonce/@EncodingType` of a base64 nonce. */
export const BASE64_ENCODING_TYPE =
  'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary';
