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

/** Longer method names are cut: the request log keeps the name of every request, so each must stay small. */
const METHOD_NAME_LIMIT = 64;

/** A note for a request that names `method` (empty when it names none). */
export function requestNoteFor(method: string): RequestNote {
  return { method: method.slice(0, METHOD_NAME_LIMIT) };
}

/** Runs `handle` with `note` as the current request's note. */
export function withRequestNote<T>(note: RequestNote, handle: () => T): T {
  return notes.run(note, handle);
}

/** Records the method and error code of the current request, if a note is being kept. */
export function noteOutcome(method: string | undefined, code: string | undefined): void {
  const note = notes.getStore();
  if (note === undefined) return;
  if (method !== undefined && method !== '') note.method = method.slice(0, METHOD_NAME_LIMIT);
  if (code !== undefined) note.code = code;
}
