/**
 * zod's mini API, which core's schemas are written with: the same validation as the classic API
 * for a fraction of the load cost (SPEC §9), as schemas are plain values and checks are
 * functions a bundler can leave out.
 *
 * zod's classic API sets English messages on first use and mini sets none; core sets them the
 * same way (unless the app chose a locale), so a message a user reads does not depend on which
 * API core was built with.
 *
 * @see https://zod.dev/packages/mini
 */
import * as z from 'zod/mini';

if (z.config().localeError === undefined) z.config(z.locales.en());

export { z };
