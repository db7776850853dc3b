/**
 * The input schemas of the six methods (docs/behaviour.md, "Input"), derived from the method table
 * (`CHAT_METHODS`): one rule per kind of field. Validation lists every problem in one
 * `AfilnetValidationError` before anything is sent.
 */
import { AfilnetValidationError } from '../errors/errors.js';
import { isHttpUrl } from '../http/url-rules.js';
import { FILE_TYPES, PLATFORMS } from './chat-types.js';
import { CHAT_METHODS, type ChatMethod, type FieldKind, type MethodField } from './methods.js';
import type { WireRequest } from '../transport/transport.js';
import { describeType, expectedType } from '../config/type-messages.js';
import { toValidationIssues } from '../config/validation-issues.js';
import * as z from '../config/zod-mini.js';

const text = z.string({ error: expectedType('a string') }).check(
  z.minLength(1, 'must not be empty'),
  z.refine((s) => s.isWellFormed(), 'must be well-formed Unicode (it has a lone surrogate)'),
);

const platform = z.enum(PLATFORMS, { error: () => `must be one of ${PLATFORMS.join(', ')}` });

const FILE_TYPE_ALIASES: Readonly<Record<string, string>> = { vidéo: 'video', voix: 'voice' };

const fileType = z.pipe(
  z.pipe(
    z.string({ error: expectedType('a string') }),
    z.transform((s: string) => {
      const normalized = s.normalize('NFC');
      return FILE_TYPE_ALIASES[normalized] ?? normalized;
    }),
  ),
  z.enum(FILE_TYPES, { error: () => `must be one of ${FILE_TYPES.join(', ')} (or vidéo, voix)` }),
);

const httpUrl = text.with(z.refine(isHttpUrl, 'must be an absolute http or https URL'));

/** An optional text: absent, `undefined` or `""` all mean "not given" (left out of the request). */
function optional<T extends z.ZodMiniType>(schema: T) {
  return z.pipe(
    z.transform((v: unknown) => (v === '' ? undefined : v)),
    z.optional(schema),
  );
}

/** The rule of each kind of field. */
const KIND_SCHEMAS: Readonly<Record<FieldKind, z.ZodMiniType>> = {
  platform,
  text,
  fileType,
  httpUrl,
};

/** Each method's fields, from the method table, with their schemas. */
const METHOD_FIELDS = Object.fromEntries(
  Object.entries(CHAT_METHODS).map(([method, info]) => [
    method,
    info.fields.map((f) => ({
      ...f,
      schema: f.optional ? optional(KIND_SCHEMAS[f.kind]) : KIND_SCHEMAS[f.kind],
    })),
  ]),
) as unknown as Readonly<
  Record<ChatMethod, ReadonlyArray<MethodField & { readonly schema: z.ZodMiniType }>>
>;

/** Every field name any method takes. */
const ALL_FIELDS = new Set(
  Object.values(METHOD_FIELDS).flatMap((specs) => specs.map((f) => f.api)),
);

/**
 * Drops fields that belong to other methods, so that a `ConversationRef` can be passed to
 * `getChats`, while a name no method knows (a typo such as `platformID`) is still reported.
 */
function withoutOtherMethodsFields(own: ReadonlySet<string>) {
  return (input: unknown): unknown => {
    if (typeof input !== 'object' || input === null || Array.isArray(input)) return input;
    const kept: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(input)) {
      if (own.has(key) || !ALL_FIELDS.has(key)) kept[key] = value;
    }
    return kept;
  };
}

const SCHEMAS = Object.fromEntries(
  Object.entries(METHOD_FIELDS).map(([method, specs]) => [
    method,
    z.pipe(
      z.transform(withoutOtherMethodsFields(new Set(specs.map((f) => f.api)))),
      z.strictObject(Object.fromEntries(specs.map((f) => [f.api, f.schema])), {
        error: (issue) =>
          issue.code === 'invalid_type'
            ? `the input must be an object, not ${describeType(issue.input)}`
            : undefined,
      }),
    ),
  ]),
) as unknown as Record<ChatMethod, z.ZodMiniType<Record<string, string | undefined>>>;

const PLATFORM_SET: ReadonlySet<string> = new Set(PLATFORMS);

/** Methods whose fields are all required plain texts or the platform: the ones {@link plainTextParams} handles. */
const FAST_PATH = Object.fromEntries(
  Object.entries(METHOD_FIELDS).map(([method, specs]) => [
    method,
    specs.length > 0 &&
      specs.every((f) => !f.optional && (f.kind === 'text' || f.kind === 'platform')),
  ]),
) as Readonly<Record<ChatMethod, boolean>>;

/** Methods that take a `message`, which `maxMessageLength` caps. */
const TAKES_MESSAGE: ReadonlySet<string> = new Set(
  Object.entries(METHOD_FIELDS)
    .filter(([, specs]) => specs.some((f) => f.api === 'message'))
    .map(([method]) => method),
);

/**
 * The wire parameters of a valid input of a plain-text method, checked with a few `typeof`
 * tests; undefined whenever anything is off, so that the zod schema, which writes the messages,
 * judges it. Accepts exactly what the schema accepts (a property test checks it): non-empty
 * well-formed strings, a known platform, no unknown field, and a message within
 * `maxMessageLength`.
 */
function plainTextParams(
  method: ChatMethod,
  input: unknown,
  maxMessageLength: number,
): Array<readonly [string, string]> | undefined {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return undefined;
  const record = input as Record<string, unknown>;
  const specs = METHOD_FIELDS[method];
  let own = 0;
  for (const key in record) {
    if (!Object.hasOwn(record, key)) continue;
    if (!ALL_FIELDS.has(key)) return undefined;
    if (specs.some((f) => f.api === key)) own++;
  }
  if (own !== specs.length) return undefined;
  const params: Array<readonly [string, string]> = [];
  for (const field of specs) {
    const value = record[field.api];
    if (typeof value !== 'string' || value === '' || !value.isWellFormed()) return undefined;
    if (field.kind === 'platform' && !PLATFORM_SET.has(value)) return undefined;
    if (field.api === 'message' && exceedsCodePoints(value, maxMessageLength)) return undefined;
    params.push([field.wire, value]);
  }
  return params;
}

/** Counts code points, stopping once past `limit` (long inputs are not walked to the end). */
function exceedsCodePoints(text: string, limit: number): boolean {
  if (text.length <= limit) return false;
  let count = 0;
  for (const _ of text) if (++count > limit) return true;
  return false;
}

/**
 * The wire request of a valid input of a plain-text method, written out without zod; undefined
 * whenever anything is off, or the method is not a plain-text one, so that
 * {@link toWireRequestBySchema} judges it. `test/input-validation-agreement.test.ts` pins the two
 * together: whatever this answers, the schema answers the same, and whatever the schema accepts
 * for a plain-text method, this accepts.
 */
export function toWireRequestFast(
  method: ChatMethod,
  input: unknown,
  maxMessageLength = Infinity,
): WireRequest | undefined {
  // getChatChannels() passes nothing, which the schema reads as `{}`: no parameter.
  if (input === undefined && method === 'getchatchannels') return { method, params: [] };
  const params = FAST_PATH[method] ? plainTextParams(method, input, maxMessageLength) : undefined;
  return params === undefined ? undefined : { method, params };
}

/**
 * Validates a method's input with its schema, the definition of what is valid, and returns it
 * in wire terms.
 *
 * @throws {AfilnetValidationError} code `INVALID_PARAMS`, listing every problem.
 */
export function toWireRequestBySchema(
  method: ChatMethod,
  input: unknown,
  maxMessageLength = Infinity,
): WireRequest {
  const parsed = SCHEMAS[method].safeParse(
    method === 'getchatchannels' && input === undefined ? {} : input,
  );
  const message = (input as { message?: unknown } | null | undefined)?.message;
  const tooLong =
    TAKES_MESSAGE.has(method) &&
    typeof message === 'string' &&
    exceedsCodePoints(message, maxMessageLength);
  if (!parsed.success || tooLong) {
    const issues = parsed.success ? [] : toValidationIssues(parsed.error.issues);
    if (tooLong)
      issues.push({
        path: 'message',
        message: `must be at most ${maxMessageLength} characters (option maxMessageLength)`,
      });
    throw new AfilnetValidationError('INVALID_PARAMS', `Invalid input for ${method}`, { issues });
  }
  const params: Array<readonly [string, string]> = [];
  for (const field of METHOD_FIELDS[method]) {
    const value = parsed.data[field.api];
    if (value !== undefined) params.push([field.wire, value]);
  }
  return { method, params };
}

/**
 * Validates a method's input and returns it in wire terms: the common case without zod, anything
 * else by the schema. A `message` longer than `maxMessageLength` code points is one more problem
 * in the list.
 *
 * @throws {AfilnetValidationError} code `INVALID_PARAMS`, listing every problem.
 */
export function toWireRequest(
  method: ChatMethod,
  input: unknown,
  maxMessageLength = Infinity,
): WireRequest {
  return (
    toWireRequestFast(method, input, maxMessageLength) ??
    toWireRequestBySchema(method, input, maxMessageLength)
  );
}
