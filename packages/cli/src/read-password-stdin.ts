/** Reading the password from standard input (`--password-stdin`). */
import type { Readable } from 'node:stream';
import { CliUsageError } from './cli-usage-error.js';

/** More than any password; stops a mistaken pipe of a large file from being buffered whole. */
const MAX_BYTES = 64 * 1024;

/**
 * Reads standard input to its end and returns it without one trailing line break (`\n` or
 * `\r\n`), so `echo "$PASSWORD" | afilnet-chat …` and `printf %s` both work.
 *
 * @throws {CliUsageError} when standard input is a terminal (typing would echo the password;
 *   pipe it instead), empty, or larger than 64 KiB.
 */
export async function readPasswordStdin(
  stdin: Readable & { readonly isTTY?: boolean },
): Promise<string> {
  if (stdin.isTTY) {
    throw new CliUsageError(
      '--password-stdin reads a pipe, not a terminal: printf %s "$AFILNET_PASSWORD" | afilnet-chat … --password-stdin',
    );
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stdin) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : (chunk as Buffer);
    size += buffer.length;
    if (size > MAX_BYTES) {
      stdin.destroy();
      throw new CliUsageError('--password-stdin read more than 64 KiB: pipe only the password');
    }
    chunks.push(buffer);
  }
  const password = Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
  if (password === '') throw new CliUsageError('--password-stdin read an empty password');
  return password;
}
