/**
 * `pnpm run docs`: TypeDoc builds the API reference from the public entries with its validation on,
 * so a public name without a comment is a warning; the build must have none, and each of the six
 * methods must show an example.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';
import { ROOT } from './support/consumer-project.js';

const run = promisify(execFile);
const out = mkdtempSync(join(tmpdir(), 'afilnet-api-reference-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

interface Reflection {
  readonly name: string;
  readonly children?: readonly Reflection[];
  readonly signatures?: readonly {
    readonly comment?: { readonly blockTags?: readonly { readonly tag: string }[] };
  }[];
}

function* walk(node: Reflection): Generator<Reflection> {
  yield node;
  for (const child of node.children ?? []) yield* walk(child);
}

it('builds without a warning, and each of the six methods has an example', async () => {
  const typedoc = join(ROOT, 'node_modules/typedoc/bin/typedoc');
  const json = join(out, 'api.json');
  const { stdout, stderr } = await run(
    process.execPath,
    [typedoc, '--json', json, '--out', join(out, 'html')],
    {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1' },
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  expect(`${stdout}${stderr}`).not.toMatch(/warning|error/i);
  const project = JSON.parse(readFileSync(json, 'utf8')) as Reflection;
  const client = [...walk(project)].find((node) => node.name === 'ChatClient');
  const methods = [
    'getChatChannels',
    'sendMessage',
    'sendFile',
    'getChats',
    'getMessages',
    'getUnreadMessages',
  ];
  for (const method of methods) {
    const tags =
      client?.children?.find((child) => child.name === method)?.signatures?.[0]?.comment
        ?.blockTags ?? [];
    expect(
      tags.map((t) => t.tag),
      method,
    ).toContain('@example');
  }
}, 180_000);
