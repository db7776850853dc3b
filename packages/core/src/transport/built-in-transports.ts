/**
 * The five built-in transports: their names, packages and ratings, as data. Each rating is
 * written here only: the client checks `minimumSecurity` against it before any package is
 * loaded, and each transport package reads its own rating from this table.
 */
import type { SecurityRating } from './security.js';

/** The names of the five built-in transports. */
export const TRANSPORT_NAMES = ['get', 'post', 'basic', 'soap', 'json-oauth'] as const;
/** The name of a built-in transport. */
export type TransportName = (typeof TRANSPORT_NAMES)[number];

/** Each built-in transport: the package that holds it and Afilnet's rating of the flavour. */
export const BUILT_IN_TRANSPORTS: Readonly<
  Record<
    TransportName,
    {
      /** The npm package that holds the transport, imported at its first call. */
      readonly packageName: string;
      /** Afilnet's rating of the flavour, which `minimumSecurity` is checked against. */
      readonly security: SecurityRating;
    }
  >
> = {
  get: { packageName: '@afilnet-chat/transport-get', security: 'low' },
  post: { packageName: '@afilnet-chat/transport-post', security: 'medium' },
  basic: { packageName: '@afilnet-chat/transport-basic', security: 'medium' },
  soap: { packageName: '@afilnet-chat/transport-soap', security: 'medium-high' },
  'json-oauth': { packageName: '@afilnet-chat/transport-json-oauth', security: 'high' },
};

/** "get (low), post (medium), …": the list shown when a transport must be chosen. */
export function describeTransports(): string {
  return TRANSPORT_NAMES.map((n) => `'${n}' (${BUILT_IN_TRANSPORTS[n].security})`).join(', ');
}
