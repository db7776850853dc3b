/**
 * A front door of the sandbox: one path, one flavour's encoding and authentication, over the
 * shared state and method handlers.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SandboxState } from '../state/sandbox-state.js';

/** What a door is handed for each request. */
export interface DoorContext {
  /** The sandbox's accounts, conversations and messages, shared by every door. */
  readonly state: SandboxState;
  /** The request's URL, parsed against the sandbox's own origin. */
  readonly url: URL;
  /** The request body, read whole (within the sandbox's cap); empty for GET. */
  readonly body: string;
}

/** One front door. */
export interface Door {
  /** The path it serves, e.g. `/api/http/` (compared without the query string). */
  readonly path: string;
  /** Answers one request to its path; a throw or rejection is answered 500 by the sandbox. */
  handle(req: IncomingMessage, res: ServerResponse, context: DoorContext): void | Promise<void>;
}
