/**
 * Removes the `.js`/`.d.ts` outputs (and their maps) of every package under `packagesDir` whose
 * source no longer exists (see prune-outputs.mjs); returns the paths removed, each relative to
 * its package.
 */
export declare function pruneOrphanedOutputs(packagesDir: string): string[];
