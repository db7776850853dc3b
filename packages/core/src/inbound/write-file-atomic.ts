/**
 * Replacing a small file so that a crash never leaves it torn: the one definition behind the
 * inbound checkpoint file and every other state file the packages keep (the relay's failed list).
 */
import { open, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Replaces the file at `path` with `data` so that a process killed, or a machine losing power,
 * at any instant leaves either the previous content or the new one, never a mix or an empty
 * file. It writes `path.tmp` (created with mode `0600`, as the file may hold message data),
 * flushes it to disk (`fsync`), renames it over `path` (atomic on POSIX file systems), then
 * flushes the directory so that the rename itself survives a power loss; Windows cannot open a
 * directory for flushing, and its renames are journaled by NTFS, so that step is skipped there.
 *
 * Writes to one `path` must not overlap (they share `path.tmp`): callers serialise them, as the
 * checkpoint and the failed list do. A write that fails before the rename leaves `path` as it was.
 *
 * @param path the file to replace; its directory must exist.
 * @param data the whole new content; a string is written as UTF-8.
 * @throws the file system's error (`ENOENT` for a missing directory, `EACCES`, `ENOSPC`…), with
 *   `path` unchanged.
 * @see https://man7.org/linux/man-pages/man2/rename.2.html
 * @see https://man7.org/linux/man-pages/man2/fsync.2.html
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const temp = `${path}.tmp`;
  try {
    const handle = await open(temp, 'w', 0o600);
    try {
      await handle.writeFile(data, typeof data === 'string' ? 'utf8' : undefined);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  try {
    const directory = await open(dirname(path), 'r');
    try {
      await directory.sync();
    } finally {
      await directory.close();
    }
  } catch {
    // Windows cannot open a directory for flushing; its renames are journaled by NTFS.
  }
}
