/**
 * The schemas of the option groups a transport is built from (docs/behaviour.md,
 * "Configuration"), each written once and
 * used by both ways of building a transport: the client's configuration (`resolveConfig`) and a
 * factory called by hand (`resolveTransportOptions`).
 */
import { hasUrlCredentials, isHttpUrl } from '../http/url-rules.js';
import type { TokenStore } from './token-store.js';
import { expectedType } from './type-messages.js';
import * as z from './zod-mini.js';

/**
 * A user or password: a non-empty string without CR or LF, which would let a value break out of
 * a header line or a form field.
 */
const credentialText = z.string({ error: expectedType('a string') }).check(
  z.minLength(1, 'must not be empty'),
  z.refine((s) => !/[\r\n]/.test(s), 'must not contain CR or LF'),
);

/**
 * An absolute `http:` or `https:` URL without a user or password in it (whether `http:` is
 * allowed is decided later). The messages name the rule, never the value.
 */
export const urlText = z.string({ error: expectedType('a string') }).check(
  z.refine(isHttpUrl, 'must be an absolute http or https URL'),
  z.refine(
    (s) => !hasUrlCredentials(s),
    'must not contain a user or password; give credentials in their own options',
  ),
);

const pathText = z
  .string({ error: expectedType('a string') })
  .check(z.minLength(1, 'must not be empty'));

/** `credentials`: the account's user and password. */
export const credentialsSchema = z.strictObject(
  { user: credentialText, password: credentialText },
  { error: expectedType('an object') },
);

/** `oauth`: the json-oauth flavour's settings. */
export const oauthOptionsSchema = z.strictObject(
  {
    clientId: z.optional(credentialText),
    clientSecret: z.optional(credentialText),
    tokenUrl: z.optional(urlText),
    issuer: z.optional(urlText),
    scope: z.optional(z.string({ error: expectedType('a string') })),
    clientAuthMethod: z.optional(z.enum(['client_secret_basic', 'client_secret_post'])),
    tokenStore: z.optional(
      z.custom<TokenStore>(
        (v) =>
          typeof v === 'object' &&
          v !== null &&
          typeof (v as TokenStore).get === 'function' &&
          typeof (v as TokenStore).set === 'function' &&
          ((v as TokenStore).lock === undefined || typeof (v as TokenStore).lock === 'function'),
        { error: 'must be an object with get(), set() and optionally lock()' },
      ),
    ),
    dpop: z.optional(z.boolean({ error: expectedType('a boolean') })),
    requireDpop: z.optional(z.boolean({ error: expectedType('a boolean') })),
  },
  { error: expectedType('an object') },
);

/** `basic`: how the Basic flavour sends. */
export const basicOptionsSchema = z.strictObject(
  { method: z.optional(z.enum(['GET', 'POST'])) },
  { error: expectedType('an object') },
);

/** `soap`: how the SOAP flavour authenticates. */
export const soapOptionsSchema = z.strictObject(
  { passwordType: z.optional(z.enum(['PasswordText', 'PasswordDigest'])) },
  { error: expectedType('an object') },
);

/** `paths`: the doors' paths, relative to `baseUrl`. */
export const pathsSchema = z.strictObject(
  {
    http: z.optional(pathText),
    basic: z.optional(pathText),
    soap: z.optional(pathText),
    json: z.optional(pathText),
  },
  { error: expectedType('an object') },
);

/** Every option a transport factory reads; the client's configuration adds its own. */
export const transportOptionsShape = {
  baseUrl: z.optional(urlText),
  credentials: z.optional(credentialsSchema),
  oauth: z.optional(oauthOptionsSchema),
  basic: z.optional(basicOptionsSchema),
  soap: z.optional(soapOptionsSchema),
  paths: z.optional(pathsSchema),
  allowInsecureHttp: z.optional(z.boolean({ error: expectedType('a boolean') })),
};
