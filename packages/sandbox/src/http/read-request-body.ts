/** Reading a request body whole, with a cap so that a client cannot exhaust the sandbox's memory. */
import type { IncomingMessage } from 'node:http';

/** Thrown when a body is over the cap. */
export class BodyTooLargeError extends Error {}

/** Reads the body as UTF-8 text; rejects with {@link BodyTooLargeError} past `limit` bytes. */
export async function readRequestBody(req: IncomingMessage, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new BodyTooLargeError(`request body over ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks, size).toString('utf8');
}
