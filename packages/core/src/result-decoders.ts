/**
 * Decoding of results (SPEC §2): the live service is PHP, so every scalar may come as a string;
 * lists come as an array, `{"list": [...]}`, `""` or `null`. Decoders accept all of these and
 * give exactly the fields of `ChatChannel` / `ChatMessage`, no others.
 */
import type { ChatChannel, ChatMessage } from './chat-types.js';
import { z } from './zod-mini.js';

/** An id or other scalar: kept as a string whatever JSON type it came as. */
const scalar = z.pipe(z.union([z.string(), z.number(), z.boolean()]), z.transform(String));

/** A text field: a missing value written as `null` by the server reads as `""`. */
const textField = z.pipe(
  z.union([z.string(), z.number(), z.boolean(), z.null()]),
  z.transform((v: string | number | boolean | null) => (v === null ? '' : String(v))),
);

const TRUE_WORDS = new Set(['1', 'true', 'yes']);
const FALSE_WORDS = new Set(['0', 'false', 'no', '']);

/** A boolean as PHP writes it: `"1"`/`"0"`, `1`/`0`, `true`/`false`. */
const flag = z.pipe(
  z.union([z.boolean(), z.number(), z.string()]),
  z.transform((v: boolean | number | string, ctx) => {
    if (typeof v === 'boolean') return v;
    const word = String(v).trim().toLowerCase();
    if (TRUE_WORDS.has(word)) return true;
    if (FALSE_WORDS.has(word)) return false;
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

function listOf<T extends z.ZodMiniType>(item: T) {
  return z.pipe(
    z.transform((v: unknown) => {
      if (v === null || v === undefined || v === '') return [];
      if (typeof v === 'object' && !Array.isArray(v) && 'list' in v) {
        const list = (v as { list: unknown }).list;
        return list === null || list === '' ? [] : list;
      }
      return v;
    }),
    z.array(item),
  );
}

/** `getchatchannels`' result. */
export const channelListSchema = listOf(channelItem);
/** The result of `getchats`, `getmessages` and `getunreadmessages`. */
export const messageListSchema = listOf(messageItem);
