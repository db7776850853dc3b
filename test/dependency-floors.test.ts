/**
 * Every workspace manifest's range for a dependency with a published advisory admits no version
 * the advisory affects, and the lockfile installs none. A range is read by a small parser that
 * understands the forms the workspace writes (`^1.2.3`, `~1.2.3`, `>=1.2.3`, `1.2.3`, an upper
 * bound after them, alternatives joined by `||`) and refuses any other, so an unreadable range
 * fails here rather than passing unchecked.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** The lowest version that fixes a published advisory, per package. */
const ADVISORY_FLOORS: Readonly<Record<string, string>> = {
  // GHSA-g9mf-h72j-4rw9 (CVE-2026-22036): unbounded Content-Encoding decompression chain, 7.0.0–7.18.1.
  undici: '7.18.2',
};

const root = fileURLToPath(new URL('..', import.meta.url));
const DEPENDENCY_FIELDS = [
  'dependencies',
  'devDependencies',
  'peerDependencies',
  'optionalDependencies',
] as const;

type Version = readonly [number, number, number];

function parseVersion(text: string): Version | undefined {
  const match = /^(\d+)\.(\d+)\.(\d+)$/.exec(text);
  return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : undefined;
}

function compare(a: Version, b: Version): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/**
 * The lowest version `range` admits, or a reason it cannot be read. Each alternative's first
 * comparator is its lower bound (`^`, `~`, `>=` or an exact version: each admits its own version
 * and nothing below); what follows may only be upper bounds, which cannot lower it.
 */
function lowestAdmitted(range: string): Version | string {
  let lowest: Version | undefined;
  for (const alternative of range.split('||')) {
    const [first, ...rest] = alternative.trim().split(/\s+/);
    const lower = /^(\^|~|>=)?(\d+\.\d+\.\d+)$/.exec(first ?? '');
    const version = lower ? parseVersion(lower[2] ?? '') : undefined;
    if (version === undefined)
      return `cannot read '${first ?? ''}' in '${range}': write ^MAJOR.MINOR.PATCH`;
    if (!rest.every((bound) => /^<=?\d+(\.\d+){0,2}$/.test(bound)))
      return `cannot read '${alternative.trim()}' in '${range}'`;
    if (lowest === undefined || compare(version, lowest) < 0) lowest = version;
  }
  return lowest ?? `empty range '${range}'`;
}

/** Every manifest of the workspace: the root and each package. */
function manifests(): Array<{ file: string; json: Record<string, unknown> }> {
  const files = [
    'package.json',
    ...readdirSync(join(root, 'packages')).map((dir) => join('packages', dir, 'package.json')),
  ];
  return files.map((file) => ({
    file,
    json: JSON.parse(readFileSync(join(root, file), 'utf8')) as Record<string, unknown>,
  }));
}

describe('dependency floors', () => {
  it('the range reader finds the lowest version, and refuses what it cannot read', () => {
    expect(lowestAdmitted('^7.16.0')).toEqual([7, 16, 0]);
    expect(lowestAdmitted('^7.18.2 || ^8.0.0')).toEqual([7, 18, 2]);
    expect(lowestAdmitted('>=7.18.2 <8')).toEqual([7, 18, 2]);
    expect(lowestAdmitted('^8.1.0 || ~7.5.1')).toEqual([7, 5, 1]);
    for (const unreadable of [
      '*',
      '7',
      '^7',
      '7.x',
      'latest',
      '>7.18.2',
      '^7.18.2-rc.1',
      '^7.18.2 >=1.0.0',
      '',
    ]) {
      expect(lowestAdmitted(unreadable), unreadable).toEqual(expect.any(String));
    }
  });

  it('no workspace range admits a version with a published advisory', () => {
    const problems: string[] = [];
    let checked = 0;
    for (const { file, json } of manifests()) {
      for (const field of DEPENDENCY_FIELDS) {
        const dependencies = (json[field] ?? {}) as Record<string, string>;
        for (const [name, floorText] of Object.entries(ADVISORY_FLOORS)) {
          const range = dependencies[name];
          if (range === undefined) continue;
          checked += 1;
          const floor = parseVersion(floorText) as Version;
          const lowest = lowestAdmitted(range);
          if (typeof lowest === 'string') problems.push(`${file} ${field}.${name}: ${lowest}`);
          else if (compare(lowest, floor) < 0)
            problems.push(
              `${file} ${field}.${name} '${range}' admits ${lowest.join('.')}, below ${floorText}`,
            );
        }
      }
    }
    expect(problems).toEqual([]);
    // core and the CLI depend on undici: a check that found nothing would prove nothing.
    expect(checked).toBeGreaterThanOrEqual(2);
  });

  it('the lockfile installs no version below a floor', () => {
    const lock = readFileSync(join(root, 'pnpm-lock.yaml'), 'utf8');
    for (const [name, floorText] of Object.entries(ADVISORY_FLOORS)) {
      const installed = [
        ...lock.matchAll(new RegExp(`^ {2}${name}@(\\d+\\.\\d+\\.\\d+)[:(]`, 'gm')),
      ].map((m) => m[1] ?? '');
      expect(installed.length, `${name} in pnpm-lock.yaml`).toBeGreaterThan(0);
      for (const version of installed) {
        expect(
          compare(parseVersion(version) as Version, parseVersion(floorText) as Version),
          `${name}@${version}`,
        ).toBeGreaterThanOrEqual(0);
      }
    }
  });
});
