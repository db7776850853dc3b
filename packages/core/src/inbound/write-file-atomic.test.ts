import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileAtomic } from './write-file-atomic.js';

const dir = mkdtempSync(join(tmpdir(), 'afilnet-atomic-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('writeFileAtomic', () => {
  it('replaces the whole file, readable by its owner only, and leaves no temp file', async () => {
    const path = join(dir, 'state.json');
    writeFileSync(path, 'x'.repeat(10_000));
    await writeFileAtomic(path, '{"short":true}');
    expect(readFileSync(path, 'utf8')).toBe('{"short":true}');
    await writeFileAtomic(path, new TextEncoder().encode('é bytes'));
    expect(readFileSync(path, 'utf8')).toBe('é bytes');
    expect(existsSync(`${path}.tmp`)).toBe(false);
    if (process.platform !== 'win32') expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('throws the file system error and leaves the old file as it was when the write fails', async () => {
    const path = join(dir, 'kept.json');
    writeFileSync(path, 'old');
    // A directory where the temp file should go makes the write fail before the rename.
    mkdirSync(`${path}.tmp`);
    await expect(writeFileAtomic(path, 'new')).rejects.toMatchObject({ code: 'EISDIR' });
    expect(readFileSync(path, 'utf8')).toBe('old');
    await expect(writeFileAtomic(join(dir, 'missing', 'f.json'), 'new')).rejects.toMatchObject({
      code: 'ENOENT',
    });
  });
});
