/**
 * The schemas of the option groups a transport is built from (SPEC §4), each written once and
 * used by both ways of building a transport: the client's configuration (`resolveConfig`) and a
 * factory called by hand (`resolveTransportOptions`).
 */
import { z } from 'zod';
import { isHttpUrl } from './http-url.js';
import type { TokenStore } from './token-store.js';
import { expectedType } from './type-messages.js';

/**
 * A user or password: a non-empty string without CR or LF, which would let a value break out of
 * a header line or a form field.
 */
const credentialText = z
  .string({ error: expectedType('a string') })
  .min(1, 'must not be empty')
  .refine((s) => !/[\r\n]/.test(s), 'must not contain CR or LF');

/** An absolute `http:` or `https:` URL (whether `http:` is allowed is decided later). */
export const urlText = z.string({ error: expectedType('a string') }).refine(isHttpUrl, 'must be an absolute http or https URL');

const pathText = z.string({ error: expectedType('a string') }).min(1, 'must not be empty');

/** `credentials`: the account's user and password. */
export const credentialsSchema = z.strictObject({ user: credentialText, password: credentialText }, { error: expectedType('an object') });

/** `oauth`: the json-oauth flavour's settings. */
export const oauthOptionsSchema = z.strictObject(
  {
    clientId: credentialText.optional(),
    clientSecret: credentialText.optional(),
    tokenUrl: urlText.optional(),
    issuer: urlText.optional(),
    scope: z.string({ error: expectedType('a string') }).optional(),
    clientAuthMethod: z.enum(['client_secret_basic', 'client_secret_post']).optional(),
    tokenStore: z
      .custom<TokenStore>(
        (v) =>
          typeof v === 'object' &&
          v !== null &&
          typeof (v as TokenStore).get === 'function' &&
          typeof (v as TokenStore).set === 'function' &&
          ((v as TokenStore).lock === undefined || typeof (v as TokenStore).lock === 'function'),
        { error: 'must be an object with get(), set() and optionally lock()' },
      )
      .optional(),
    dpop: z.boolean({ error: expectedType('a boolean') }).optional(),
  },
  { error: expectedType('an object') },
);

/** `basic`: how the Basic flavour sends. */
export const basicOptionsSchema = z.strictObject({ method: z.enum(['GET', 'POST']).optional() }, { error: expectedType('an object') });

/** `soap`: how the SOAP flavour authenticates. */
export const soapOptionsSchema = z.strictObject(
  { passwordType: z.enum(['PasswordText', 'PasswordDigest']).optional() },
  { error: expectedType('an object') },
);

/** `paths`: the doors' paths, relative to `baseUrl`. */
export const pathsSchema = z.strictObject(
  { http: pathText.optional(), basic: pathText.optional(), soap: pathText.optional(), json: pathText.optional() },
  { error: expectedType('an object') },
);

/** Every option a transport factory reads; the client's configuration adds its own. */
export const transportOptionsShape = {
  baseUrl: urlText.optional(),
  credentials: credentialsSchema.optional(),
  oauth: oauthOptionsSchema.optional(),
  basic: basicOptionsSchema.optional(),
  soap: soapOptionsSchema.optional(),
  paths: pathsSchema.optional(),
  allowInsecureHttp: z.boolean({ error: expectedType('a boolean') }).optional(),
};
