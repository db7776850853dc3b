/**
 * Security ratings of the five flavours, as Afilnet rates them, and their order.
 */

/** How well a flavour protects the credentials, lowest first. */
export const SECURITY_RATINGS = ['low', 'medium', 'medium-high', 'high'] as const;
/** A security rating. */
export type SecurityRating = (typeof SECURITY_RATINGS)[number];

/** The names of the five built-in transports. */
export const TRANSPORT_NAMES = ['get', 'post', 'basic', 'soap', 'json-oauth'] as const;
/** The name of a built-in transport. */
export type TransportName = (typeof TRANSPORT_NAMES)[number];

/** Each built-in transport: its package, factory export and rating. */
export const BUILT_IN_TRANSPORTS: Readonly<
  Record<
    TransportName,
    {
      /** The npm package that holds it. */
      readonly packageName: string;
      /** The name of the factory the package exports. */
      readonly factory: string;
      /** Afilnet's rating of the flavour. */
      readonly security: SecurityRating;
    }
  >
> = {
  get: { packageName: '@afilnet-chat/transport-get', factory: 'createGetTransport', security: 'low' },
  post: { packageName: '@afilnet-chat/transport-post', factory: 'createPostTransport', security: 'medium' },
  basic: { packageName: '@afilnet-chat/transport-basic', factory: 'createBasicTransport', security: 'medium' },
  soap: { packageName: '@afilnet-chat/transport-soap', factory: 'createSoapTransport', security: 'medium-high' },
  'json-oauth': {
    packageName: '@afilnet-chat/transport-json-oauth',
    factory: 'createJsonOAuthTransport',
    security: 'high',
  },
};

/** True when `rating` is at least `minimum`. */
export function meetsMinimum(rating: SecurityRating, minimum: SecurityRating): boolean {
  return SECURITY_RATINGS.indexOf(rating) >= SECURITY_RATINGS.indexOf(minimum);
}

/** "get (low), post (medium), …": the list shown when a transport must be chosen. */
export function describeTransports(): string {
  return TRANSPORT_NAMES.map((n) => `'${n}' (${BUILT_IN_TRANSPORTS[n].security})`).join(', ');
}
