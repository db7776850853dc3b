/**
 * The WS-Security header of every request (OASIS WSS SOAP Message Security 1.0 §5, UsernameToken
 * Profile 1.0 §3): a `wsse:Security` element holding one `wsse:UsernameToken`.
 */
import type { Credentials } from '@afilnet-chat/core';
import {
  BASE64_ENCODING_TYPE,
  PASSWORD_DIGEST_TYPE,
  PASSWORD_TEXT_TYPE,
  WSSE_NS,
  WSU_NS,
  escapeXml,
} from '@afilnet-chat/soap-xml';
import { passwordDigest } from './password-digest.js';

/** What a PasswordDigest token is made of; fresh for every request. */
export interface DigestInputs {
  /** Random bytes (16 from the transport). */
  readonly nonce: Uint8Array;
  /** An `xsd:dateTime` in UTC, e.g. `2024-05-01T10:00:00.000Z`. */
  readonly created: string;
}

/**
 * Encodes the `wsse:Security` header element, with `soapenv:mustUnderstand="1"` (the prefix
 * `soapenv` must be bound by the enclosing envelope). With `digest` the password travels as
 * `#PasswordDigest` with `wsse:Nonce` and `wsu:Created`; without it, as `#PasswordText`.
 */
export function encodeUsernameToken(credentials: Credentials, digest?: DigestInputs): string {
  const user = `<wsse:Username>${escapeXml(credentials.user)}</wsse:Username>`;
  if (digest === undefined) {
    return (
      `<wsse:Security soapenv:mustUnderstand="1" xmlns:wsse="${WSSE_NS}"><wsse:UsernameToken>${user}` +
      `<wsse:Password Type="${PASSWORD_TEXT_TYPE}">${escapeXml(credentials.password)}</wsse:Password>` +
      '</wsse:UsernameToken></wsse:Security>'
    );
  }
  const value = passwordDigest(digest.nonce, digest.created, credentials.password);
  return (
    `<wsse:Security soapenv:mustUnderstand="1" xmlns:wsse="${WSSE_NS}" xmlns:wsu="${WSU_NS}"><wsse:UsernameToken>${user}` +
    `<wsse:Password Type="${PASSWORD_DIGEST_TYPE}">${value}</wsse:Password>` +
    `<wsse:Nonce EncodingType="${BASE64_ENCODING_TYPE}">${Buffer.from(digest.nonce).toString('base64')}</wsse:Nonce>` +
    `<wsu:Created>${escapeXml(digest.created)}</wsu:Created>` +
    '</wsse:UsernameToken></wsse:Security>'
  );
}
