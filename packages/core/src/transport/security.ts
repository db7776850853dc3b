/**
 * Security ratings, as Afilnet rates its flavours, and their order.
 */

/** How well a flavour protects the credentials, lowest first. */
export const SECURITY_RATINGS = ['low', 'medium', 'medium-high', 'high'] as const;
/** A security rating. */
export type SecurityRating = (typeof SECURITY_RATINGS)[number];

/** True when `rating` is at least `minimum`. */
export function meetsMinimum(rating: SecurityRating, minimum: SecurityRating): boolean {
  return SECURITY_RATINGS.indexOf(rating) >= SECURITY_RATINGS.indexOf(minimum);
}
