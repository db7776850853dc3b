/**
 * zod's mini API, which core's schemas are written with, so that core's bundle inlines only the
 * part of zod it uses (docs/behaviour.md, "Packaging"): the same validation as the
 * classic API, with schemas as plain values and checks as functions.
 *
 * Only the functions core uses are re-exported, by name, and the English locale is imported by
 * its own path: every zod entry point also loads zod's ~50 locale modules (`export * as
 * locales`), which cost more than the rest of core to import. Core's published build inlines this
 * module with what it re-exports (`scripts/build.mjs`), so an application importing core loads
 * only that part of zod; modules of core import it as `import * as z from './zod-mini.js'`.
 *
 * zod's classic API sets English messages on first use and mini sets none; core sets them the
 * same way (unless the app chose a locale: zod's configuration is one per process), so a message
 * a user reads does not depend on which API core was built with.
 *
 * @see https://zod.dev/packages/mini
 */
import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

if (config().localeError === undefined) config(en());

export {
  NEVER,
  array,
  boolean,
  custom,
  enum,
  gte,
  int,
  literal,
  lte,
  minLength,
  null,
  number,
  object,
  optional,
  pipe,
  positive,
  refine,
  strictObject,
  string,
  transform,
  union,
  type ZodMiniType,
  type output,
} from 'zod/mini';
