/**
 * The sandbox is an oracle for the client: it must not run the client's code. Its only project
 * dependency is the leaf `@afilnet-chat/soap-xml`, which depends on no other project package.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const PACKAGES = fileURLToPath(new URL('../packages/', import.meta.url));

async function projectDependencies(name: string): Promise<string[]> {
  const manifest = JSON.parse(
    await readFile(join(PACKAGES, name, 'package.json'), 'utf8'),
  ) as Record<string, Record<string, string> | undefined>;
  const all = {
    ...manifest.dependencies,
    ...manifest.peerDependencies,
    ...manifest.optionalDependencies,
  };
  return Object.keys(all).filter((dep) => dep.startsWith('@afilnet-chat/'));
}

describe('package arrows of the SOAP vocabulary', () => {
  it('the sandbox depends on soap-xml only, and soap-xml on no project package', async () => {
    expect(await projectDependencies('sandbox')).toEqual(['@afilnet-chat/soap-xml']);
    expect(await projectDependencies('soap-xml')).toEqual([]);
  });

  it('no sandbox source imports core or a transport', async () => {
    const dir = join(PACKAGES, 'sandbox', 'src');
    const files = (await readdir(dir, { recursive: true })).filter((f) => f.endsWith('.ts'));
    const offenders: string[] = [];
    for (const file of files) {
      const text = await readFile(join(dir, file), 'utf8');
      if (/from '@afilnet-chat\/(core|transport-[a-z-]+)'/.test(text)) offenders.push(file);
    }
    expect(offenders).toEqual([]);
  });
});
