/**
 * The arrows between the workspace's packages (issue 14): no cycle, which pnpm warns about and
 * which would freeze release order, and core depending on no transport (transports register
 * themselves; core keeps only a name → package table). And what Changesets makes of them: every
 * pending changeset parses, and a minor of an optional peer plans no major of its dependents.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const packagesDir = join(root, 'packages');

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

/** Changesets' own planning modules, as `changeset status` and `changeset version` run them. */
const fromChangesets = createRequire(createRequire(import.meta.url).resolve('@changesets/cli'));
type Bump = 'none' | 'patch' | 'minor' | 'major';
interface Changeset {
  id: string;
  summary: string;
  releases: { name: string; type: Bump }[];
}
const readChangesets = (
  fromChangesets('@changesets/read') as { default: (cwd: string) => Promise<Changeset[]> }
).default;
const { getPackages } = fromChangesets('@manypkg/get-packages') as {
  getPackages(cwd: string): Promise<unknown>;
};
const { read: readConfig } = fromChangesets('@changesets/config') as {
  read(cwd: string, packages: unknown): Promise<unknown>;
};
const assembleReleasePlan = (
  fromChangesets('@changesets/assemble-release-plan') as {
    default: (
      changesets: Changeset[],
      packages: unknown,
      config: unknown,
      preState: undefined,
    ) => { releases: { name: string; type: Bump; newVersion: string }[] };
  }
).default;

/** The release plan of this workspace for one hypothetical changeset `bump`ing `name`. */
async function planFor(name: string, bump: Bump): Promise<Map<string, string>> {
  const packages = await getPackages(root);
  const config = await readConfig(root, packages);
  const plan = assembleReleasePlan(
    [{ id: 'hypothetical', summary: 'A hypothetical change.', releases: [{ name, type: bump }] }],
    packages,
    config,
    undefined,
  );
  return new Map(plan.releases.filter((r) => r.type !== 'none').map((r) => [r.name, r.type]));
}

describe('release planning', () => {
  it('reads every pending changeset (front matter intact)', async () => {
    const files = readdirSync(join(root, '.changeset')).filter(
      (f) => f.endsWith('.md') && f !== 'README.md',
    );
    const changesets = await readChangesets(root);
    expect(changesets.map((c) => `${c.id}.md`).sort()).toEqual(files.sort());
    for (const c of changesets) expect(c.releases.length, c.id).toBeGreaterThan(0);
  });

  it('plans no release of the CLI for a minor of its optional peer @afilnet-chat/bullmq', async () => {
    const plan = await planFor('@afilnet-chat/bullmq', 'minor');
    expect(plan.get('@afilnet-chat/bullmq')).toBe('minor');
    expect(plan.has('@afilnet-chat/cli')).toBe(false);
  });

  it('plans a major of the CLI for a major of @afilnet-chat/bullmq, which leaves its peer range', async () => {
    const plan = await planFor('@afilnet-chat/bullmq', 'major');
    expect(plan.get('@afilnet-chat/cli')).toBe('major');
  });
});
