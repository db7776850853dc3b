/**
 * The TypeScript of the README and docs/fleet.md cannot drift: every ```ts block is either a whole
 * program, type-checked under strict against the built packages (and, when its first line names
 * an example, equal to that example, which the examples suite runs), or marked on its first line
 * `// Part of <path>`, and then found verbatim in that file of the repository.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ROOT } from './support/consumer-project.js';

const run = promisify(execFile);
const DOCUMENTS = ['README.md', 'docs/fleet.md'];
const PART_OF = /^\/\/ Part of (\S+)\s*$/;

interface Block {
  readonly document: string;
  /** The line of the opening fence, 1-based. */
  readonly line: number;
  readonly code: string;
}

/** The ```ts blocks of a Markdown document, indented ones (in a list item) included. */
function typeScriptBlocks(document: string): Block[] {
  const lines = readFileSync(join(ROOT, document), 'utf8').split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```(ts|typescript)\s*$/.exec(lines[i] ?? '');
    if (!open) continue;
    const indent = open[1]?.length ?? 0;
    const start = i;
    const body: string[] = [];
    for (i += 1; i < lines.length && !/^\s*```\s*$/.test(lines[i] ?? ''); i++)
      body.push((lines[i] ?? '').slice(indent));
    blocks.push({ document, line: start + 1, code: `${body.join('\n')}\n` });
  }
  return blocks;
}

const blocks = DOCUMENTS.flatMap(typeScriptBlocks);
const parts = blocks.filter((b) => PART_OF.test(b.code.split('\n')[0] ?? ''));
const programs = blocks.filter((b) => !parts.includes(b));

describe('TypeScript in the documentation', () => {
  it('finds the blocks', () => {
    expect(programs.length).toBeGreaterThanOrEqual(8);
    expect(parts.length).toBeGreaterThanOrEqual(2);
  });

  it('every program type-checks under strict (nodenext), against the built packages', async () => {
    // Inside the workspace, so that the packages resolve from its node_modules.
    const dir = join(ROOT, 'node_modules/.cache/afilnet-chat-doc-snippets');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const names = new Map<string, Block>();
    for (const block of programs) {
      const name = `${block.document.replace(/\W+/g, '-')}-${block.line}.mts`;
      names.set(name, block);
      // A block without import or export would be a script, where top-level await is refused.
      const code = /^\s*(import|export)\s/m.test(block.code)
        ? block.code
        : `${block.code}export {};\n`;
      writeFileSync(join(dir, name), code);
    }
    const config = {
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        noUncheckedIndexedAccess: true,
        skipLibCheck: true,
        types: ['node'],
        noEmit: true,
      },
      files: [...names.keys()],
    };
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(config));
    const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
    const output = await run(process.execPath, [
      tsc,
      '-p',
      join(dir, 'tsconfig.json'),
      '--pretty',
      'false',
    ]).then(
      () => '',
      (error: { stdout?: string }) => error.stdout ?? String(error),
    );
    // Each error names its README line: `name.mts(3,5)` is block line + 3.
    const located = output.replace(
      /^(\S+\.mts)\((\d+),(\d+)\)/gm,
      (whole, path: string, line: string) => {
        const block = names.get(basename(path));
        return block === undefined ? whole : `${block.document}:${block.line + Number(line)}`;
      },
    );
    expect(located).toBe('');
  }, 120_000);

  it('a program whose first line names an example is that example (the Quick start is first-message.mts)', () => {
    let compared = 0;
    for (const block of programs) {
      const named = /^\/\/ \S*?([\w-]+\.m?[cjt]s)\b/.exec(block.code)?.[1];
      const example = named === undefined ? undefined : join(ROOT, 'examples', named);
      if (example !== undefined && existsSync(example)) {
        expect(block.code, `${block.document}:${block.line}`).toBe(readFileSync(example, 'utf8'));
        compared += 1;
      }
    }
    expect(compared).toBeGreaterThanOrEqual(1);
  });

  it('every part is found verbatim in the file it names', () => {
    for (const block of parts) {
      const [marker = '', ...rest] = block.code.split('\n');
      const path = PART_OF.exec(marker)?.[1] ?? '';
      expect(existsSync(join(ROOT, path)), `${block.document}:${block.line} names ${path}`).toBe(
        true,
      );
      expect(readFileSync(join(ROOT, path), 'utf8'), `${block.document}:${block.line}`).toContain(
        rest.join('\n').trimEnd(),
      );
    }
  });

  it('the errors example does not wait for Retry-After again: the client has already waited', () => {
    const rateLimited = blocks.filter((b) => b.code.includes('RATE_LIMITED'));
    expect(rateLimited.length).toBeGreaterThan(0);
    for (const block of rateLimited) {
      expect(block.code, `${block.document}:${block.line}`).not.toMatch(
        /\b(sleep|setTimeout|delay|wait)\s*\(/,
      );
    }
  });
});
