/**
 * The six methods of the `chat` class (SPEC §2): wire names, parameter order and result kind,
 * written once so that every transport and the sandbox agree.
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

/** Facts about one method. */
export interface MethodInfo {
  /** Wire parameter names, in SPEC §2 order. */
  readonly params: readonly string[];
  /** Parameters that may be left out. */
  readonly optional: readonly string[];
  readonly result: ResultKind;
  /** True for methods that deliver a message, which must never be sent twice. */
  readonly isSend: boolean;
}

/** Every method of the chat class, in SPEC §2 order. */
export const CHAT_METHODS: Readonly<Record<ChatMethod, MethodInfo>> = {
  getchatchannels: { params: [], optional: [], result: 'channels', isSend: false },
  sendmessage: {
    params: ['platform', 'platformid', 'destination', 'message'],
    optional: [],
    result: 'none',
    isSend: true,
  },
  sendfile: {
    params: ['platform', 'platformid', 'destination', 'type', 'fileurl', 'thumburl', 'message'],
    optional: ['thumburl', 'message'],
    result: 'none',
    isSend: true,
  },
  getchats: { params: ['platform', 'platformid'], optional: [], result: 'messages', isSend: false },
  getmessages: { params: ['platform', 'platformid', 'destination'], optional: [], result: 'messages', isSend: false },
  getunreadmessages: {
    params: ['platform', 'platformid', 'destination'],
    optional: [],
    result: 'messages',
    isSend: false,
  },
};

/** The API class every method belongs to. */
export const CHAT_CLASS = 'chat';

/** True when `name` is one of the six method names. */
export function isChatMethod(name: string): name is ChatMethod {
  return Object.prototype.hasOwnProperty.call(CHAT_METHODS, name);
}

/** The common error codes every method may answer (SPEC §2). */
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

/** Each method's own error codes beyond the common eight, in precedence order (SPEC §2). */
export const METHOD_ERROR_CODES: Readonly<Record<ChatMethod, readonly string[]>> = {
  getchatchannels: [],
  sendmessage: ['CHANNEL_NOT_FOUND'],
  sendfile: ['CHANNEL_NOT_FOUND', 'CHAT_NOT_FOUND', 'INCORRECT_FILETYPE', 'INCORRECT_FILEURL', 'INCORRECT_THUMBURL'],
  getchats: ['CHANNEL_NOT_FOUND', 'CHAT_NOT_FOUND'],
  getmessages: ['CHANNEL_NOT_FOUND', 'CHAT_NOT_FOUND'],
  getunreadmessages: ['CHANNEL_NOT_FOUND', 'CHAT_NOT_FOUND'],
};
