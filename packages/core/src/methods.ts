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
export type ResultKind = 'channels' | 'messages' | 'none';

/** How a field is checked; `input-schemas.ts` holds the rule of each kind. */
export type FieldKind = 'platform' | 'text' | 'fileType' | 'httpUrl';

/** One parameter of a method. */
export interface MethodField {
  /** The name callers write (`platformId`). */
  readonly api: string;
  /** The name on the wire (`platformid`), in every flavour. */
  readonly wire: string;
  readonly kind: FieldKind;
  /** True when it may be left out (absent, `undefined` or `""`). */
  readonly optional: boolean;
}

/** Facts about one method. */
export interface MethodInfo {
  /** Its parameters, in the order of Afilnet's documentation. */
  readonly fields: readonly MethodField[];
  /** What its success carries: channels, messages, or nothing. */
  readonly result: ResultKind;
  /** True for methods that deliver a message, which must never be sent twice. */
  readonly isSend: boolean;
}

function field(api: string, wire: string, kind: FieldKind, optional = false): MethodField {
  return { api, wire, kind, optional };
}

const CHANNEL: readonly MethodField[] = [field('platform', 'platform', 'platform'), field('platformId', 'platformid', 'text')];
const CONVERSATION: readonly MethodField[] = [...CHANNEL, field('destination', 'destination', 'text')];

/**
 * Every method of the chat class, in the order of Afilnet's documentation: the one table the input schemas, the wire
 * encoders and the result decoders are derived from.
 */
export const CHAT_METHODS: Readonly<Record<ChatMethod, MethodInfo>> = {
  getchatchannels: { fields: [], result: 'channels', isSend: false },
  sendmessage: { fields: [...CONVERSATION, field('message', 'message', 'text')], result: 'none', isSend: true },
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

/** The API class every method belongs to. */
export const CHAT_CLASS = 'chat';

/** True when `name` is one of the six method names. */
export function isChatMethod(name: string): name is ChatMethod {
  return Object.prototype.hasOwnProperty.call(CHAT_METHODS, name);
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
  sendfile: ['CHANNEL_NOT_FOUND', 'CHAT_NOT_FOUND', 'INCORRECT_FILETYPE', 'INCORRECT_FILEURL', 'INCORRECT_THUMBURL'],
  getchats: ['CHANNEL_NOT_FOUND', 'CHAT_NOT_FOUND'],
  getmessages: ['CHANNEL_NOT_FOUND', 'CHAT_NOT_FOUND'],
  getunreadmessages: ['CHANNEL_NOT_FOUND', 'CHAT_NOT_FOUND'],
};
