/**
 * Decoding of results (SPEC §2): the live service is PHP, so every scalar may come as a string;
 * lists come as an array, `{"list": [...]}`, `""` or `null`. Decoders accept all of these and
 * give exactly the fields of `ChatChannel` / `ChatMessage`, no others.
 */
import type { ChatChannel, ChatMessage } from './chat-types.js';
import * as z from './zod-mini.js';

/** An id or other scalar: kept as a string whatever JSON type it came as. */
const scalar = z.pipe(z.union([z.string(), z.number(), z.boolean()]), z.transform(String));

/** A text field: a missing value written as `null` by the server reads as `""`. */
const textField = z.pipe(
  z.union([z.string(), z.number(), z.boolean(), z.null()]),
  z.transform((v: string | number | boolean | null) => (v === null ? '' : String(v))),
);

const TRUE_WORDS = new Set(['1', 'true', 'yes']);
const FALSE_WORDS = new Set(['0', 'false', 'no', '']);

/** The boolean a word of PHP's stands for, or undefined when it stands for none. */
function flagOf(word: string): boolean | undefined {
  const normal = word.trim().toLowerCase();
  return TRUE_WORDS.has(normal) ? true : FALSE_WORDS.has(normal) ? false : undefined;
}

/** A boolean as PHP writes it: `"1"`/`"0"`, `1`/`0`, `true`/`false`. */
const flag = z.pipe(
  z.union([z.boolean(), z.number(), z.string()]),
  z.transform((v: boolean | number | string, ctx) => {
    if (typeof v === 'boolean') return v;
    const value = flagOf(String(v));
    if (value !== undefined) return value;
    ctx.issues.push({ code: 'custom', message: 'is not a boolean', input: v });
    return z.NEVER;
  }),
);

const channelItem = z.pipe(
  z.object({ platformid: scalar, platform: scalar, name: textField }),
  z.transform((c: { platformid: string; platform: string; name: string }): ChatChannel => ({
    platformId: c.platformid,
    platform: c.platform,
    name: c.name,
  })),
);

const messageFields = z
  .object({
    platformid: scalar,
    platform: scalar,
    destination: scalar,
    messageid: scalar,
    message: textField,
    sent: z.optional(flag),
    issent: z.optional(flag),
    status: textField,
    datetime: textField,
  })
  .check(z.refine((m) => m.sent !== undefined || m.issent !== undefined, { message: 'has neither sent nor issent' }));

const messageItem = z.pipe(
  messageFields,
  z.transform(
    (m: z.output<typeof messageFields>): ChatMessage => ({
      platformId: m.platformid,
      platform: m.platform,
      destination: m.destination,
      messageId: m.messageid,
      message: m.message,
      sent: (m.sent ?? m.issent) as boolean,
      status: m.status,
      datetime: m.datetime,
    }),
  ),
);

/** The list a result holds: an array as is, `{"list": [...]}` unwrapped, `""` and `null` empty. */
function listIn(v: unknown): unknown {
  if (v === null || v === undefined || v === '') return [];
  if (typeof v === 'object' && !Array.isArray(v) && 'list' in v) {
    const list = (v as { list: unknown }).list;
    return list === null || list === '' ? [] : list;
  }
  return v;
}

function listOf<T extends z.ZodMiniType>(item: T) {
  return z.pipe(z.transform(listIn), z.array(item));
}

/** `getchatchannels`' result. */
export const channelListSchema = listOf(channelItem);
/** The result of `getchats`, `getmessages` and `getunreadmessages`. */
export const messageListSchema = listOf(messageItem);

/** A plain object whose every listed field is a string: what JSON and SOAP answers hold. */
function stringFields(item: unknown, names: readonly string[]): Record<string, string> | undefined {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return undefined;
  const record = item as Record<string, unknown>;
  for (const name of names) if (typeof record[name] !== 'string') return undefined;
  return record as Record<string, string>;
}

/** A field's flag, `absent` when it is missing, undefined when only the schema can judge it. */
function presentFlag(value: unknown): boolean | 'absent' | undefined {
  if (value === undefined) return 'absent';
  return typeof value === 'string' ? flagOf(value) : undefined;
}

const CHANNEL_FIELDS = ['platformid', 'platform', 'name'] as const;
const MESSAGE_FIELDS = ['platformid', 'platform', 'destination', 'messageid', 'message', 'status', 'datetime'] as const;

/**
 * A result decoded without zod when every item is a plain object of string fields (every answer
 * of the live service and of the sandbox), giving exactly what {@link channelListSchema} or
 * {@link messageListSchema} give for it; undefined for anything else, which the schema then
 * judges (and whose issue it words). The schemas stay the definition: this is their common case
 * written out, because zod's generic walk was most of the cost of decoding a list per call.
 */
export function decodeCommonList(kind: 'channels' | 'messages', result: unknown): ChatChannel[] | ChatMessage[] | undefined {
  const list = listIn(result);
  if (!Array.isArray(list)) return undefined;
  if (kind === 'channels') {
    const channels: ChatChannel[] = [];
    for (const item of list) {
      const c = stringFields(item, CHANNEL_FIELDS);
      if (c === undefined) return undefined;
      channels.push({ platformId: c.platformid as string, platform: c.platform as string, name: c.name as string });
    }
    return channels;
  }
  const messages: ChatMessage[] = [];
  for (const item of list) {
    const m = stringFields(item, MESSAGE_FIELDS);
    if (m === undefined) return undefined;
    // As the schema: each of `sent` and `issent` that is present must be a flag; `sent` wins.
    const sentFlag = presentFlag(m.sent);
    const issentFlag = presentFlag(m.issent);
    if (sentFlag === undefined || issentFlag === undefined || (sentFlag === 'absent' && issentFlag === 'absent')) return undefined;
    const sent = sentFlag === 'absent' ? (issentFlag as boolean) : sentFlag;
    messages.push({
      platformId: m.platformid as string,
      platform: m.platform as string,
      destination: m.destination as string,
      messageId: m.messageid as string,
      message: m.message as string,
      sent,
      status: m.status as string,
      datetime: m.datetime as string,
    });
  }
  return messages;
}
