/** What a relay reports while it runs, in both modes; the CLI prints it. */
import type { AfilnetTransportError, ChatMessage } from '@afilnet-chat/core';
import type { AttemptOutcome } from './post-webhook.js';

/** Hooks a relay calls; each is optional and must not throw. */
export interface RelayEvents {
  /** A message got its 2xx. `latencyMs` runs from when the relay took it in. */
  delivered?(message: ChatMessage, webhookId: string, attempts: number, latencyMs: number): void;
  /** An attempt failed and will be made again after `delayMs`. */
  retrying?(
    message: ChatMessage,
    webhookId: string,
    failure: Extract<AttemptOutcome, { ok: false }>,
    delayMs: number,
  ): void;
  /** The retry window closed: the message is in the failed list. */
  failed?(message: ChatMessage, webhookId: string, attempts: number, reason: string): void;
  /** A poll of the account failed on the way (network, 5xx); the next one is in `delayMs`. */
  pollRetrying?(error: AfilnetTransportError, delayMs: number): void;
}
