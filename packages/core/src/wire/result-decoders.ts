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
 * An item decoded without zod when every field it reads is a string (and a flag a known word),
 * else undefined. Walks the same table as the schema.
 */
function commonItem(
  item: unknown,
  fields: readonly ResultField[],
): Record<string, string | boolean> | undefined {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return undefined;
  const record = item as Record<string, unknown>;
  const decoded: Record<string, string | boolean> = {};
  for (const field of fields) {
    let value: string | boolean | undefined;
    // As the schema: each wire name present must hold a valid value; the first one wins.
    for (const name of field.wire) {
      const raw = record[name];
      if (raw === undefined) continue;
      if (typeof raw !== 'string') return undefined;
      const read = field.kind === 'flag' ? flagOf(raw) : raw;
      if (read === undefined) return undefined;
      value ??= read;
    }
    if (value === undefined) return undefined;
    decoded[field.api] = value;
  }
  return decoded;
}

/**
 * A result decoded without zod when every item is a plain object of string fields (every answer
 * of the live service and of the sandbox), giving exactly what {@link channelListSchema} or
 * {@link messageListSchema} give for it; undefined for anything else, which the schema then
 * judges (and whose issue it words). Both are derived from {@link RESULT_FIELDS}; this is their
 * common case written out, because zod's generic walk was most of the cost of decoding a list
 * per call. `test/result-decoding-agreement.test.ts` pins the two together.
 */
export function decodeCommonList(
  kind: 'channels' | 'messages',
  result: unknown,
): ChatChannel[] | ChatMessage[] | undefined {
  const list = listIn(result);
  if (!Array.isArray(list)) return undefined;
  const fields = RESULT_FIELDS[kind];
  const decoded: Array<Record<string, string | boolean>> = [];
  for (const item of list) {
    const one = commonItem(item, fields);
    if (one === undefined) return undefined;
    decoded.push(one);
  }
  return decoded as unknown as ChatChannel[] | ChatMessage[];
}
