/**
 * What the sandbox learns about a request while a door handles it (the API method and error
 * code), carried by async context so that the doors need not pass it along.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

/** The method and code of the request being handled, filled in as they become known. */
export interface RequestNote {
  method: string;
  code?: string;
}

const notes = new AsyncLocalStorage<RequestNote>();

/** Runs `handle` with `note` as the current request's note. */
export function withRequestNote<T>(note: RequestNote, handle: () => T): T {
  return notes.run(note, handle);
}

/** Records the method and error code of the current request, if a note is being kept. */
export function noteOutcome(method: string | undefined, code: string | undefined): void {
  const note = notes.getStore();
  if (note === undefined) return;
  if (method !== undefined && method !== '') note.method = method;
  if (code !== undefined) note.code = code;
}
