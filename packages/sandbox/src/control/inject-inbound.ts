/** Injecting an inbound message into the sandbox (from code or from its HTTP door). */
import type { SandboxState, StoredMessage } from '../state/sandbox-state.js';

/** An inbound message to inject. */
export interface InboundMessage {
  /** The account it is written to (`demo@example.com`). */
  readonly user: string;
  /** The channel's platform. */
  readonly platform: string;
  /** The channel's identifier (`"100"`). */
  readonly platformId: string;
  /** The contact writing: the conversation is opened if it did not exist. */
  readonly destination: string;
  /** The text. */
  readonly message: string;
}

/**
 * Stores an unread inbound message from `destination` on the account's channel, opening the
 * conversation if needed.
 *
 * @throws {Error} when a field is missing or the account or channel does not exist.
 */
export function injectInbound(state: SandboxState, input: InboundMessage): StoredMessage {
  const fields = ['user', 'platform', 'platformId', 'destination', 'message'] as const;
  const bad = fields.filter((f) => typeof input?.[f] !== 'string' || input[f] === '');
  if (bad.length > 0)
    throw new Error(`inbound message needs non-empty string fields: ${bad.join(', ')}`);
  if (!state.account(input.user))
    throw new Error(`no sandbox account ${JSON.stringify(input.user)}`);
  if (!state.channel(input.user, input.platform, input.platformId)) {
    throw new Error(
      `account ${JSON.stringify(input.user)} has no ${input.platform} channel ${input.platformId}`,
    );
  }
  return state.append(input.user, {
    platform: input.platform,
    platformId: input.platformId,
    destination: input.destination,
    message: input.message,
    sent: false,
  });
}
