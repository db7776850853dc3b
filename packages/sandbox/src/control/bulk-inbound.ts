/**
 * Injecting many inbound messages at once, for tests and load (`POST /__sandbox/inbound/bulk`,
 * `sandbox.injectInboundBulk()`): a list of messages, or a generator that writes
 * `messagesPerConversation` messages into `conversationsPerChannel` conversations of each channel.
 * Everything is checked before anything is stored: a refused request changes nothing.
 */
import { z } from 'zod';
import { DEMO_ACCOUNT, type SandboxState } from '../state/sandbox-state.js';
import { describeProblems } from './describe-problems.js';

/** The most messages one bulk injection stores: 100,000, the size of a large load run. */
export const MAX_BULK_MESSAGES = 100_000;
/** The most messages a generated conversation gets. */
export const MAX_MESSAGES_PER_CONVERSATION = 1_000;
/** The destination prefix of generated conversations. */
export const DEFAULT_DESTINATION_PREFIX = 'contact-';

const nonEmpty = (max: number) => z.string().min(1, 'must be a non-empty string').max(max);

const messageSchema = z.strictObject({
  platform: nonEmpty(64),
  platformId: nonEmpty(64),
  destination: nonEmpty(256),
  message: z.string().min(1, 'must be a non-empty string'),
});

const channelSchema = z.strictObject({ platform: nonEmpty(64), platformId: nonEmpty(64) });

const generateSchema = z.strictObject({
  channels: z.array(channelSchema).min(1).max(1_000).optional(),
  conversationsPerChannel: z.number().int().min(1).max(MAX_BULK_MESSAGES),
  messagesPerConversation: z.number().int().min(1).max(MAX_MESSAGES_PER_CONVERSATION).optional(),
  destinationPrefix: z.string().max(64).optional(),
});

const bulkSchema = z
  .strictObject({
    user: nonEmpty(256).optional(),
    messages: z.array(messageSchema).min(1).max(MAX_BULK_MESSAGES).optional(),
    generate: generateSchema.optional(),
  })
  .superRefine((body, context) => {
    if ((body.messages === undefined) === (body.generate === undefined)) {
      context.addIssue({ code: 'custom', path: [], message: 'give either messages or generate' });
    }
  });

/** One message of a bulk injection: from `destination` on the channel `platform`/`platformId`. */
export interface BulkInboundMessage {
  /** The channel's platform (`whatsapp`, `telegram`, …). */
  readonly platform: string;
  /** The channel's id on that platform. */
  readonly platformId: string;
  /** The contact who writes: a new one starts a conversation. */
  readonly destination: string;
  /** The text. */
  readonly message: string;
}

/** A channel of the account that a generated injection writes on. */
export interface BulkInboundChannel {
  /** The channel's platform. */
  readonly platform: string;
  /** The channel's id on that platform. */
  readonly platformId: string;
}

/** The generator form of a bulk injection. */
export interface BulkInboundGenerator {
  /** The channels to write on (each must exist): every channel of the account when left out. */
  readonly channels?: readonly BulkInboundChannel[];
  /** Conversations per channel, with destinations `${destinationPrefix}1` to `${destinationPrefix}N`. */
  readonly conversationsPerChannel: number;
  /** Messages per conversation (1). They are written round by round: every conversation's first, then every second… */
  readonly messagesPerConversation?: number;
  /** The destinations' prefix (`contact-`). */
  readonly destinationPrefix?: string;
}

/** What `injectInboundBulk()` and `POST /__sandbox/inbound/bulk` take: `messages` or `generate`. */
export type BulkInboundInput = BulkInboundList | BulkInboundGenerated;

/** A bulk injection of the messages listed. */
export interface BulkInboundList {
  /** The account: the demo account when left out. */
  readonly user?: string;
  /** The messages, stored in this order. */
  readonly messages: readonly BulkInboundMessage[];
  /** Not with `messages`. */
  readonly generate?: undefined;
}

/** A bulk injection of generated conversations. */
export interface BulkInboundGenerated {
  /** The account: the demo account when left out. */
  readonly user?: string;
  /** What to generate. */
  readonly generate: BulkInboundGenerator;
  /** Not with `generate`. */
  readonly messages?: undefined;
}

/** What a bulk injection stored. */
export interface BulkInboundResult {
  /** How many messages were stored. */
  readonly count: number;
  /**
   * The first message's id. Ids are consecutive integers in the order the messages were stored:
   * the list's order, or round by round for the generator.
   */
  readonly firstMessageId: string;
  /** The last message's id. */
  readonly lastMessageId: string;
}

function refuse(detail: string): never {
  throw new TypeError(`invalid bulk inbound: ${detail}`);
}

/**
 * Stores many unread inbound messages, each with its own message id and the current date,
 * opening conversations as needed.
 *
 * @throws {TypeError} naming the field, when `input` is not a bulk injection, would store more
 *   than {@link MAX_BULK_MESSAGES} messages, or names an account or channel that does not exist;
 *   nothing is stored then.
 */
export function injectInboundBulk(state: SandboxState, input: unknown): BulkInboundResult {
  const parsed = bulkSchema.safeParse(input);
  if (!parsed.success) refuse(describeProblems(parsed.error.issues, 'the body'));
  const { messages, generate } = parsed.data;
  const user = parsed.data.user ?? DEMO_ACCOUNT.user;
  const account = state.account(user);
  if (account === undefined) refuse(`user: no sandbox account ${JSON.stringify(user)}`);

  const missingChannel = (
    channels: ReadonlyArray<{ platform: string; platformId: string }>,
    field: string,
  ) => {
    const index = channels.findIndex(
      (c) => state.channel(user, c.platform, c.platformId) === undefined,
    );
    const channel = channels[index];
    if (channel !== undefined)
      refuse(
        `${field}[${index}]: account ${JSON.stringify(user)} has no ${channel.platform} channel ${channel.platformId}`,
      );
  };

  let count = 0;
  let first: string | undefined;
  let last = '';
  const store = (platform: string, platformId: string, destination: string, message: string) => {
    last = state.append(user, {
      platform,
      platformId,
      destination,
      message,
      sent: false,
    }).messageId;
    first ??= last;
    count += 1;
  };

  if (messages !== undefined) {
    missingChannel(messages, 'messages');
    for (const m of messages) store(m.platform, m.platformId, m.destination, m.message);
  } else if (generate !== undefined) {
    const channels =
      generate.channels ??
      account.channels.map(({ platform, platformId }) => ({ platform, platformId }));
    missingChannel(channels, 'generate.channels');
    const rounds = generate.messagesPerConversation ?? 1;
    const total = channels.length * generate.conversationsPerChannel * rounds;
    if (total > MAX_BULK_MESSAGES)
      refuse(
        `generate: ${total} messages (channels × conversationsPerChannel × messagesPerConversation); at most ${MAX_BULK_MESSAGES} per call`,
      );
    if (total === 0) refuse(`generate.channels: account ${JSON.stringify(user)} has no channel`);
    const prefix = generate.destinationPrefix ?? DEFAULT_DESTINATION_PREFIX;
    for (let round = 1; round <= rounds; round++) {
      for (const { platform, platformId } of channels) {
        for (let i = 1; i <= generate.conversationsPerChannel; i++) {
          const destination = `${prefix}${i}`;
          store(
            platform,
            platformId,
            destination,
            `Message ${round} from ${destination} on ${platform} ${platformId}`,
          );
        }
      }
    }
  }
  return { count, firstMessageId: first ?? '', lastMessageId: last };
}
