/**
 * The arrows between the workspace's packages (issue 14): no cycle, which pnpm warns about and
 * which would freeze release order, and core depending on no transport (transports register
 * themselves; core keeps only a name → package table).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const packagesDir = fileURLToPath(new URL('../packages', import.meta.url));

interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

const manifests: Manifest[] = readdirSync(packagesDir).map(
  (dir) => JSON.parse(readFileSync(join(packagesDir, dir, 'package.json'), 'utf8')) as Manifest,
);
const names = new Set(manifests.map((m) => m.name));
/** Each package's workspace dependencies, of every kind that pnpm links. */
const arrows = new Map(
  manifests.map((m) => [
    m.name,
    Object.keys({ ...m.dependencies, ...m.peerDependencies, ...m.optionalDependencies }).filter(
      (d) => names.has(d),
    ),
  ]),
);

describe('the workspace graph', () => {
  it('has no cycle', () => {
    const cycles: string[] = [];
    const visit = (name: string, path: string[]) => {
      if (path.includes(name)) {
        cycles.push([...path.slice(path.indexOf(name)), name].join(' → '));
        return;
      }
      for (const next of arrows.get(name) ?? []) visit(next, [...path, name]);
    };
    for (const name of names) visit(name, []);
    expect(cycles).toEqual([]);
  });

  it('core depends on no other package of the workspace', () => {
    expect(arrows.get('@afilnet-chat/core')).toEqual([]);
  });
});
