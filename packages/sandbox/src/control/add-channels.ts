/**
 * Adding channels to an account while the sandbox runs (`POST /__sandbox/channels`,
 * `sandbox.addChannels()`) or at start (`startSandbox({ channels })`): several channels per
 * platform, as a business with many WhatsApp numbers has. Checked with zod; a refused request
 * changes nothing.
 */
import { z } from 'zod';
import {
  DEMO_ACCOUNT,
  SANDBOX_PLATFORMS,
  type SandboxChannel,
  type SandboxState,
} from '../state/sandbox-state.js';
import { describeProblems } from './describe-problems.js';

/** The most channels an account may have: far beyond any real account, small enough to list at every call. */
export const MAX_CHANNELS_PER_ACCOUNT = 1_000;

const nonEmpty = (max: number) => z.string().min(1, 'must be a non-empty string').max(max);

const channelSchema = z.strictObject({
  platform: z.enum(SANDBOX_PLATFORMS),
  platformId: nonEmpty(64),
  name: nonEmpty(200).optional(),
});

const channelListSchema = z.array(channelSchema).min(1).max(MAX_CHANNELS_PER_ACCOUNT);

const addChannelsSchema = z.strictObject({
  user: nonEmpty(256).optional(),
  channels: channelListSchema,
});

/** A channel to add. */
export interface ChannelInput {
  /** The channel's platform. */
  readonly platform: (typeof SANDBOX_PLATFORMS)[number];
  /** The channel's id on that platform. */
  readonly platformId: string;
  /** Its display name: the platform and id (`whatsapp 101`) when left out. */
  readonly name?: string;
}

/** What `addChannels()` and `POST /__sandbox/channels` take. */
export interface AddChannelsInput {
  /** The account to add them to: the demo account when left out. */
  readonly user?: string;
  /** The channels to add. */
  readonly channels: readonly ChannelInput[];
}

/** What adding channels answers. */
export interface AddChannelsResult {
  /** How many of the channels were new (one already on the account is kept as it is). */
  readonly added: number;
  /** Every channel of the account afterwards, as `getchatchannels` lists them. */
  readonly channels: SandboxChannel[];
}

function channelOf(input: ChannelInput): SandboxChannel {
  return {
    platform: input.platform,
    platformId: input.platformId,
    name: input.name ?? `${input.platform} ${input.platformId}`,
  };
}

/**
 * Checks a list of channels to add (the `channels` option of `startSandbox`).
 *
 * @throws {TypeError} naming each field in error.
 */
export function parseChannelList(value: unknown): SandboxChannel[] {
  const parsed = channelListSchema.safeParse(value);
  if (!parsed.success)
    throw new TypeError(
      `invalid channels: ${describeProblems(parsed.error.issues, 'the channel list')}`,
    );
  return parsed.data.map(channelOf);
}

/**
 * Adds channels to an account; those it already has (same platform and id) stay as they are.
 *
 * @throws {TypeError} when `input` is not such a request, the account does not exist or would
 *   pass {@link MAX_CHANNELS_PER_ACCOUNT} channels; nothing is added then.
 */
export function addChannels(state: SandboxState, input: unknown): AddChannelsResult {
  const parsed = addChannelsSchema.safeParse(input);
  if (!parsed.success)
    throw new TypeError(
      `invalid channels request: ${describeProblems(parsed.error.issues, 'the body')}`,
    );
  const user = parsed.data.user ?? DEMO_ACCOUNT.user;
  const account = state.account(user);
  if (account === undefined)
    throw new TypeError(
      `invalid channels request: user: no sandbox account ${JSON.stringify(user)}`,
    );
  const fresh = new Map<string, SandboxChannel>();
  for (const channel of parsed.data.channels.map(channelOf)) {
    if (state.channel(user, channel.platform, channel.platformId) === undefined)
      fresh.set(`${channel.platform}|${channel.platformId}`, channel);
  }
  if (account.channels.length + fresh.size > MAX_CHANNELS_PER_ACCOUNT) {
    throw new TypeError(
      `invalid channels request: channels: an account has at most ${MAX_CHANNELS_PER_ACCOUNT} channels; ${JSON.stringify(user)} has ${account.channels.length}`,
    );
  }
  for (const channel of fresh.values()) state.addChannel(user, channel);
  return { added: fresh.size, channels: account.channels.map((c) => ({ ...c })) };
}
