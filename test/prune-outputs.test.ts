import { mkdirSync, mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pruneOrphanedOutputs } from '../scripts/prune-outputs.mjs';

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

/** Writes `files` (paths relative to a new packages folder) and returns that folder. */
function layout(files: string[]): string {
  const root = mkdtempSync(join(tmpdir(), 'afilnet-prune-'));
  roots.push(root);
  for (const file of files) {
    mkdirSync(join(root, file, '..'), { recursive: true });
    writeFileSync(join(root, file), '');
  }
  return root;
}

describe('pruneOrphanedOutputs', () => {
  it("removes the outputs of a source that no longer exists, and keeps the others'", () => {
    const root = layout([
      'core/src/client.ts',
      'core/dist/client.js',
      'core/dist/client.d.ts',
      'core/dist/moved.js',
      'core/dist/moved.d.ts.map',
      'core/dist/chunks/chunk-ABC.js',
    ]);
    expect(pruneOrphanedOutputs(root).sort()).toEqual(['dist/moved.d.ts.map', 'dist/moved.js']);
    expect(existsSync(join(root, 'core/dist/client.js'))).toBe(true);
    expect(existsSync(join(root, 'core/dist/chunks/chunk-ABC.js'))).toBe(true);
  });

  it("keeps what a project of its own compiles into the package's output folder", () => {
    // The sandbox's page script: ui/inbox.ts is compiled into dist/ui/inbox.js by ui/tsconfig.json.
    const root = layout([
      'sandbox/src/index.ts',
      'sandbox/dist/index.js',
      'sandbox/ui/inbox.ts',
      'sandbox/dist/ui/inbox.js',
      'sandbox/dist/ui/gone.js',
    ]);
    expect(pruneOrphanedOutputs(root)).toEqual([join('dist', 'ui', 'gone.js')]);
    expect(existsSync(join(root, 'sandbox/dist/ui/inbox.js'))).toBe(true);
  });
});
