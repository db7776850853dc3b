/**
 * The six methods of the `chat` class: their parameters (API and wire names, order,
 * kind, whether optional), result kind and whether they send, written once for every transport.
 */

/** The wire name of a method. */
export type ChatMethod =
  | 'getchatchannels'
  | 'sendmessage'
  | 'sendfile'
  | 'getchats'
  | 'getmessages'
  | 'getunreadmessages';

/** What a method answers: a channel list, a message list, or nothing. */
export type MethodResultKind = 'channels' | 'messages' | 'none';

/** How a field is checked; `input-schemas.ts` holds the rule of each kind. */
export type FieldKind = 'platform' | 'text' | 'fileType' | 'httpUrl';

/** One parameter of a method. */
export interface MethodField {
  /** The name callers write (`platformId`). */
  readonly api: string;
  /** The name on the wire (`platformid`), in every flavour. */
  readonly wire: string;
  /** How its value is checked. */
  readonly kind: FieldKind;
  /** True when it may be left out (absent, `undefined` or `""`). */
  readonly optional: boolean;
}

/** Facts about one method. */
export interface MethodInfo {
  /** Its parameters, in the order of Afilnet's documentation. */
  readonly fields: readonly MethodField[];
  /** What its success carries: channels, messages, or nothing. */
  readonly result: MethodResultKind;
  /** True for methods that deliver a message, which must never be sent twice. */
  readonly isSend: boolean;
}

function field(api: string, wire: string, kind: FieldKind, optional = false): MethodField {
  return { api, wire, kind, optional };
}

const CHANNEL: readonly MethodField[] = [
  field('platform', 'platform', 'platform'),
  field('platformId', 'platformid', 'text'),
];
const CONVERSATION: readonly MethodField[] = [
  ...CHANNEL,
  field('destination', 'destination', 'text'),
];

/**
 * Every method of the chat class, in the order of Afilnet's documentation: the one table the
 * input schemas, the wire encoders and (with `RESULT_FIELDS`) the result decoders are
 * derived from.
 */
export const CHAT_METHODS: Readonly<Record<ChatMethod, MethodInfo>> = {
  getchatchannels: { fields: [], result: 'channels', isSend: false },
  sendmessage: {
    fields: [...CONVERSATION, field('message', 'message', 'text')],
    result: 'none',
    isSend: true,
  },
  sendfile: {
    fields: [
      ...CONVERSATION,
      field('type', 'type', 'fileType'),
      field('fileUrl', 'fileurl', 'httpUrl'),
      field('thumbUrl', 'thumburl', 'httpUrl', true),
      field('message', 'message', 'text', true),
    ],
    result: 'none',
    isSend: true,
  },
  getchats: { fields: CHANNEL, result: 'messages', isSend: false },
  getmessages: { fields: CONVERSATION, result: 'messages', isSend: false },
  getunreadmessages: { fields: CONVERSATION, result: 'messages', isSend: false },
};

/**
 * How a result field is read: `id` a scalar kept as a string (a PHP server may write it as a
 * number), `text` a scalar or `null` (read as `""`), `flag` a boolean as PHP writes it.
 */
export type ResultFieldKind = 'id' | 'text' | 'flag';

/** One field of a result item. */
export interface ResultField {
  /** The name in the decoded result (`platformId`). */
  readonly api: string;
  /**
   * The names on the wire, in order of precedence: the first present one is read (`sent`, else
   * `issent`, as `getunreadmessages` writes it); one of them must be present.
   */
  readonly wire: readonly [string, ...string[]];
  readonly kind: ResultFieldKind;
}

function resultField(
  api: string,
  kind: ResultFieldKind,
  ...wire: [string, ...string[]]
): ResultField {
  return { api, wire, kind };
}

/**
 * The fields of each kind of list result, in order: the one table both result decoders
 * (`result-decoders.ts`) are derived from, so that they read the same names.
 */
export const RESULT_FIELDS: Readonly<
  Record<Exclude<MethodResultKind, 'none'>, readonly ResultField[]>
> = {
  channels: [
    resultField('platformId', 'id', 'platformid'),
    resultField('platform', 'id', 'platform'),
    resultField('name', 'text', 'name'),
  ],
  messages: [
    resultField('platformId', 'id', 'platformid'),
    resultField('platform', 'id', 'platform'),
    resultField('destination', 'id', 'destination'),
    resultField('messageId', 'id', 'messageid'),
    resultField('message', 'text', 'message'),
    resultField('sent', 'flag', 'sent', 'issent'),
    resultField('status', 'text', 'status'),
    resultField('datetime', 'text', 'datetime'),
  ],
};

/** The API class every method belongs to. */
export const CHAT_CLASS = 'chat';

/** True when `name` is one of the six method names. */
export function isChatMethod(name: string): name is ChatMethod {
  return Object.hasOwn(CHAT_METHODS, name);
}

/** The common error codes every method may answer. */
export const COMMON_ERROR_CODES = [
  'MISSING_USER',
  'MISSING_PASSWORD',
  'MISSING_CLASS',
  'MISSING_METHOD',
  'MISSING_COMPULSORY_PARAM',
  'INCORRECT_USER_PASSWORD',
  'INCORRECT_CLASS',
  'INCORRECT_METHOD',
] as const;

/** Each method's own error codes beyond the common eight, in precedence order. */
export const METHOD_ERROR_CODES: Readonly<Record<ChatMethod, readonly string[]>> = {
  getchatchannels: [],
  sendmessage: ['CHANNEL_NOT_FOUND'],
  sendfile: [
    'CHANNEL_NOT_FOUND',
    'CHAT_NOT_FOUND',
    'INCORRECT_FILETYPE',
    'INCORRECT_FILEURL',
    'INCORRECT_THUMBURL',
  ],
  getchats: ['CHANNEL_NOT_FOUND', 'CHAT_NOT_FOUND'],
  getmessages: ['CHANNEL_NOT_FOUND', 'CHAT_NOT_FOUND'],
  getunreadmessages: ['CHANNEL_NOT_FOUND', 'CHAT_NOT_FOUND'],
};
