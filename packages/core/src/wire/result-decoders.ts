/**
 * Decoding of results (docs/behaviour.md, "Results"): the live service is PHP, so every scalar
 * may come as a string; lists come as an array, `{"list": [...]}`, `""` or `null`. Decoders
 * accept all of these and
 * give exactly the fields of `ChatChannel` / `ChatMessage`, no others, as the method table's
 * `RESULT_FIELDS` lists them.
 */
import type { ChatChannel, ChatMessage } from './chat-types.js';
import { RESULT_FIELDS, type ResultField, type ResultFieldKind } from './methods.js';
import * as z from '../config/zod-mini.js';

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

const KIND_SCHEMAS: Readonly<Record<ResultFieldKind, z.ZodMiniType>> = {
  id: scalar,
  text: textField,
  flag,
};

/** The value of `field` in a wire item: its first wire name present. */
function firstPresent(item: Readonly<Record<string, unknown>>, field: ResultField): unknown {
  for (const name of field.wire) if (item[name] !== undefined) return item[name];
  return undefined;
}

/**
 * The schema of one item, from its fields in {@link RESULT_FIELDS}: a field with one wire name
 * is required; one with several (`sent`/`issent`) needs at least one of them.
 */
function itemSchema(fields: readonly ResultField[]) {
  const shape: Record<string, z.ZodMiniType> = {};
  for (const field of fields) {
    if (field.wire.length === 1) shape[field.wire[0]] = KIND_SCHEMAS[field.kind];
    else for (const name of field.wire) shape[name] = z.optional(KIND_SCHEMAS[field.kind]);
  }
  const alternatives = fields.filter((f) => f.wire.length > 1);
  const object = z.object(shape).check(
    ...alternatives.map((f) =>
      z.refine((item: unknown) => firstPresent(item as Record<string, unknown>, f) !== undefined, {
        message: `has neither ${f.wire.join(' nor ')}`,
      }),
    ),
  );
  return z.pipe(
    object,
    z.transform((item: Record<string, unknown>) =>
      Object.fromEntries(fields.map((f) => [f.api, firstPresent(item, f)])),
    ),
  );
}

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
export const channelListSchema = listOf(
  itemSchema(RESULT_FIELDS.channels),
) as unknown as z.ZodMiniType<ChatChannel[]>;
/** The result of `getchats`, `getmessages` and `getunreadmessages`. */
export const messageListSchema = listOf(
  itemSchema(RESULT_FIELDS.messages),
) as unknown as z.ZodMiniType<ChatMessage[]>;

/**
 * A word read as a flag's value on the wire, or undefined when that wire name is absent; false
 * (not a boolean) when it is present but not a string holding a known word.
 */
function wordFlag(raw: unknown): boolean | undefined | null {
  if (raw === undefined) return undefined;
  return typeof raw === 'string' ? (flagOf(raw) ?? null) : null;
}

/** A channel decoded without zod when each of its fields is a string, else undefined. */
function commonChannel(item: unknown): ChatChannel | undefined {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return undefined;
  const record = item as Record<string, unknown>;
  const platformId = record.platformid;
  const platform = record.platform;
  const name = record.name;
  if (typeof platformId !== 'string' || typeof platform !== 'string' || typeof name !== 'string')
    return undefined;
  return { platformId, platform, name };
}

/**
 * A message decoded without zod when each of its fields is a string and `sent` (else `issent`) a
 * known word, else undefined. As the schema: each of the two present must hold a valid value,
 * and the first wins.
 */
function commonMessage(item: unknown): ChatMessage | undefined {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return undefined;
  const record = item as Record<string, unknown>;
  const platformId = record.platformid;
  const platform = record.platform;
  const destination = record.destination;
  const messageId = record.messageid;
  const message = record.message;
  const status = record.status;
  const datetime = record.datetime;
  if (
    typeof platformId !== 'string' ||
    typeof platform !== 'string' ||
    typeof destination !== 'string' ||
    typeof messageId !== 'string' ||
    typeof message !== 'string' ||
    typeof status !== 'string' ||
    typeof datetime !== 'string'
  )
    return undefined;
  const sent = wordFlag(record.sent);
  const issent = wordFlag(record.issent);
  if (sent === null || issent === null) return undefined;
  const flag = sent ?? issent;
  if (flag === undefined) return undefined;
  return { platformId, platform, destination, messageId, message, sent: flag, status, datetime };
}

/**
 * A result decoded without zod when every item is a plain object of string fields (every answer
 * of the live service and of the sandbox), giving exactly what {@link channelListSchema} or
 * {@link messageListSchema} give for it; undefined for anything else, which the schema then
 * judges (and whose issue it words). The schemas are derived from {@link RESULT_FIELDS}; this is
 * their common case written out once per kind, with no object or closure per field, because
 * decoding a list was a per-call cost larger than the rest of the answer's judging.
 * `test/result-decoding-agreement.test.ts` pins it to the schemas and to a decoder walking
 * {@link RESULT_FIELDS}.
 */
export function decodeCommonList(
  kind: 'channels' | 'messages',
  result: unknown,
): ChatChannel[] | ChatMessage[] | undefined {
  const list = listIn(result);
  if (!Array.isArray(list)) return undefined;
  if (kind === 'channels') {
    const channels: ChatChannel[] = [];
    for (let i = 0; i < list.length; i++) {
      const one = commonChannel(list[i]);
      if (one === undefined) return undefined;
      channels.push(one);
    }
    return channels;
  }
  const messages: ChatMessage[] = [];
  for (let i = 0; i < list.length; i++) {
    const one = commonMessage(list[i]);
    if (one === undefined) return undefined;
    messages.push(one);
  }
  return messages;
}
