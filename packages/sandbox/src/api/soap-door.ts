/**
 * The SOAP flavour (`/api/soap/`): SOAP 1.1 document/literal wrapped with a WS-Security
 * UsernameToken; the project's WSDL at `GET /api/soap/?wsdl`. API errors are normal responses
 * with `<status>error</status>`; protocol problems are Faults with HTTP 500. The door dispatches
 * on the body's wrapper element and does not read `SOAPAction`: the element already names the
 * operation, so whatever a client sends there changes nothing.
 *
 * A request is authenticated on its head (the Header and the wrapper's start tag) before its
 * parameters are read: a caller without valid credentials costs no more than its header, however
 * large or malformed the rest of its body.
 */
import type { ServerResponse } from 'node:http';
import {
  PASSWORD_DIGEST_TYPE,
  PASSWORD_TEXT_TYPE,
  createXmlReader,
  readWsdl,
} from '@afilnet-chat/soap-xml';
import { type ApiAnswer, type ApiDoor, answered, UNREAD } from './api-door.js';
import { authenticate, handleChatCall, type CallerAuth, type Envelope } from './chat-api.js';
import { mediaTypeOf } from '../http/media-type.js';
import { sendText } from '../http/respond.js';
import { encodeSoapFault, type SoapFault } from './soap/encode-soap-fault.js';
import { encodeSoapResponse } from './soap/encode-soap-response.js';
import { NonceRegistry } from './soap/nonce-registry.js';
import {
  readSoapHead,
  readSoapRequest,
  type UsernameTokenFields,
} from './soap/read-soap-request.js';
import { CREATED_WINDOW_MS, verifyPasswordDigest } from './soap/verify-password-digest.js';
import type { SandboxState } from '../state/sandbox-state.js';

const XML_CONTENT_TYPE = 'text/xml; charset=utf-8';

function sendXml(res: ServerResponse, status: number, xml: string): void {
  res.writeHead(status, {
    'content-type': XML_CONTENT_TYPE,
    'content-length': Buffer.byteLength(xml),
  });
  res.end(xml);
}

/** Answers a Fault; its code is what the request log shows for the call. */
function sendFault(res: ServerResponse, fault: SoapFault): ApiAnswer {
  sendXml(res, 500, encodeSoapFault(fault));
  return { code: fault.faultCode };
}

/**
 * Who the token names, or the error envelope that refuses it. A missing Security header or
 * Username is MISSING_USER, as in every flavour; the handlers apply the usual precedence.
 */
function authOf(
  state: SandboxState,
  token: UsernameTokenFields | undefined,
  nonces: NonceRegistry,
): CallerAuth | Envelope {
  const user = token?.username;
  const password = token?.password;
  if (
    token === undefined ||
    user === undefined ||
    user === '' ||
    password === undefined ||
    password === ''
  ) {
    return { kind: 'password', user, password };
  }
  const type = token.passwordType;
  if (type === undefined || type === PASSWORD_TEXT_TYPE) {
    return { kind: 'password', user, password };
  }
  if (type === PASSWORD_DIGEST_TYPE) {
    const account = verifyPasswordDigest(
      state,
      { ...token, username: user, password },
      nonces,
      Date.now(),
    );
    return account === undefined
      ? { status: 'error', error: 'INCORRECT_USER_PASSWORD' }
      : { kind: 'account', user: account };
  }
  return { status: 'error', error: 'INCORRECT_USER_PASSWORD' };
}

/** Creates the `/api/soap/` door, with its own XML reader and nonce cache. */
export function createSoapDoor(path = '/api/soap/'): ApiDoor {
  const reader = createXmlReader();
  const nonces = new NonceRegistry(2 * CREATED_WINDOW_MS);

  return {
    path,
    async handle(req, res, { state, url, body }) {
      if (
        req.method === 'GET' &&
        [...url.searchParams.keys()].some((k) => k.toLowerCase() === 'wsdl')
      ) {
        sendXml(res, 200, await readWsdl(`http://${req.headers.host ?? '127.0.0.1'}${path}`));
        return UNREAD;
      }
      if (req.method !== 'POST') {
        sendText(res, 405, 'Method Not Allowed: POST a SOAP 1.1 envelope, or GET ?wsdl', {
          allow: 'GET, POST',
        });
        return UNREAD;
      }
      const type = mediaTypeOf(req.headers['content-type']);
      if (type === 'application/soap+xml') {
        return sendFault(res, {
          faultCode: 'soapenv:VersionMismatch',
          faultString: 'Only SOAP 1.1 (text/xml) is served here',
        });
      }
      if (type !== 'text/xml') {
        return sendFault(res, {
          faultCode: 'soapenv:Client',
          faultString: 'The content type must be text/xml (SOAP 1.1)',
        });
      }
      const head = readSoapHead(reader, body);
      if (head.kind === 'fault') {
        return sendFault(res, head);
      }
      const auth = authOf(state, head.token, nonces);
      if ('status' in auth) {
        sendXml(res, 200, encodeSoapResponse(head.method, auth));
        return answered(head.method, auth);
      }
      const caller = authenticate(state, auth);
      if ('code' in caller) {
        // The handlers answer the refusal in their usual precedence, without the parameters.
        const refused = handleChatCall(state, {
          auth,
          class: 'chat',
          method: head.method,
          params: {},
        });
        sendXml(res, 200, encodeSoapResponse(head.method, refused));
        return answered(head.method, refused);
      }
      const request = readSoapRequest(reader, body);
      if (request.kind === 'fault') {
        return sendFault(res, request);
      }
      const envelope = handleChatCall(state, {
        auth: { kind: 'account', user: caller.user },
        class: 'chat',
        method: request.method,
        params: Object.fromEntries(request.params),
      });
      sendXml(res, 200, encodeSoapResponse(request.method, envelope));
      return answered(request.method, envelope);
    },
  };
}
