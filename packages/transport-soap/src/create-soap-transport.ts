/**
 * The SOAP flavour: SOAP 1.1, document/literal wrapped, credentials in a WS-Security
 * UsernameToken header.
 */
import { randomBytes } from 'node:crypto';
import type { ChatTransport, SoapOptions } from '@afilnet-chat/core';
import { BUILT_IN_TRANSPORTS } from '@afilnet-chat/core/constants';
import {
  joinUrl,
  resolveTransportOptions,
  type AccountTransportOptions,
  wireResponse,
} from '@afilnet-chat/core/transport';
import { createXmlReader, findXmlIllegalCharacter } from '@afilnet-chat/soap-xml';
import { decodeSoapPayload } from './decode-soap-payload.js';
import { encodeEnvelope } from './encode-envelope.js';
import { encodeUsernameToken } from './encode-username-token.js';
import { refuseUnencodableParams } from './refuse-unencodable-params.js';
import { soapActionOf } from './soap-action.js';

/** The request's content type (SOAP 1.1 §6.1.1). */
export const SOAP_CONTENT_TYPE = 'text/xml; charset=utf-8';

/** Options of {@link createSoapTransport}: `paths.soap` defaults to `/api/soap/`. */
export interface SoapTransportOptions extends AccountTransportOptions {
  /** `{ passwordType: 'PasswordDigest' }` sends a digest instead of the password. */
  readonly soap?: SoapOptions;
}

const xmlRule = (_field: 'user' | 'password', value: string): string | undefined => {
  const found = findXmlIllegalCharacter(value);
  return found === undefined
    ? undefined
    : `holds ${found}, a character XML 1.0 (and so SOAP) cannot carry`;
};

/**
 * Creates the SOAP transport: `POST /api/soap/`, `Content-Type: text/xml; charset=utf-8`,
 * `SOAPAction: "urn:afilnet:chat#M"`, a `wsse:Security` header with a UsernameToken
 * (`#PasswordText` by default; `#PasswordDigest` with a fresh 16-byte nonce and `wsu:Created`
 * per request, OASIS UsernameToken Profile 1.0 §3.1). Rated `medium-high`. One hardened XML
 * reader serves every call of the transport.
 *
 * Its `send` throws `AfilnetValidationError` `INVALID_PARAMS` before sending when a value holds
 * a character XML 1.0 cannot carry. A `soapenv:Fault` answer is a `fault` payload, which core
 * turns into `AfilnetTransportError` `SOAP_FAULT`.
 *
 * @throws {AfilnetValidationError} `INVALID_CONFIG` when the credentials are missing, empty,
 *   hold CR/LF or a character XML 1.0 cannot carry; `INSECURE_URL` for an `http://` `baseUrl`
 *   without `allowInsecureHttp`.
 */
export function createSoapTransport(options: SoapTransportOptions): ChatTransport {
  const { credentials, baseUrl, paths, soap } = resolveTransportOptions('soap', options, {
    credentialRule: xmlRule,
  });
  const url = joinUrl(baseUrl, paths.soap);
  const digest = soap.passwordType === 'PasswordDigest';
  const textToken = digest ? undefined : encodeUsernameToken(credentials);
  const reader = createXmlReader();
  // One headers object per method, made on its first call: they differ only by SOAPAction.
  const headersByMethod = new Map<string, Readonly<Record<string, string>>>();
  const headersOf = (method: string): Readonly<Record<string, string>> => {
    let headers = headersByMethod.get(method);
    if (headers === undefined) {
      headers = {
        'content-type': SOAP_CONTENT_TYPE,
        soapaction: soapActionOf(method),
        accept: 'text/xml',
      };
      headersByMethod.set(method, headers);
    }
    return headers;
  };

  return {
    name: 'soap',
    security: BUILT_IN_TRANSPORTS.soap.security,
    secrets: [credentials.password],
    async send(request, context) {
      const { http } = context;
      refuseUnencodableParams(request);
      const security =
        textToken ??
        encodeUsernameToken(credentials, {
          nonce: randomBytes(16),
          created: new Date().toISOString(),
        });
      const response = await http.send(
        {
          method: 'POST',
          url,
          headers: headersOf(request.method),
          body: encodeEnvelope(request, security),
        },
        // The context is the send options: the executor listens to the call's abort through it.
        context,
      );
      return wireResponse(response, decodeSoapPayload(reader, request.method, response.body));
    },
  };
}
