/**
 * The method handlers of the `chat` class, shared by every door: one call in, one envelope out,
 * with one error precedence for every flavour ({@link handleChatCall} lists it).
 */
import {
  type SandboxState,
  type StoredMessage,
  SANDBOX_PLATFORMS,
} from '../state/sandbox-state.js';

/** Who is calling: a user and password to check, or an account a door already authenticated. */
export type CallerAuth =
  | {
      readonly kind: 'password';
      readonly user: string | undefined;
      readonly password: string | undefined;
    }
  | { readonly kind: 'account'; readonly user: string };

/** One API call as a door decoded it. Absent and empty values are both "missing". */
export interface ApiCall {
  readonly auth: CallerAuth;
  readonly class: string | undefined;
  readonly method: string | undefined;
  readonly params: Readonly<Record<string, string | undefined>>;
}

/** A wire item: every scalar a string, as the PHP service writes them. */
export type WireItem = Readonly<Record<string, string>>;

/** The API envelope, the same in every flavour: a result on success, an error code otherwise. */
export type Envelope =
  | { readonly status: 'success'; readonly result: WireItem[] | null }
  | { readonly status: 'error'; readonly error: string };

/** The methods and their compulsory parameters. */
const METHODS: Readonly<Record<string, { readonly required: readonly string[] }>> = {
  getchatchannels: { required: [] },
  sendmessage: { required: ['platform', 'platformid', 'destination', 'message'] },
  sendfile: { required: ['platform', 'platformid', 'destination', 'type', 'fileurl'] },
  getchats: { required: ['platform', 'platformid'] },
  getmessages: { required: ['platform', 'platformid', 'destination'] },
  getunreadmessages: { required: ['platform', 'platformid', 'destination'] },
};

const FILE_TYPES: Readonly<Record<string, string>> = {
  image: 'image',
  video: 'video',
  vidéo: 'video',
  audio: 'audio',
  voice: 'voice',
  voix: 'voice',
  document: 'document',
  contact: 'contact',
};

const missing = (value: string | undefined): value is undefined =>
  value === undefined || value === '';

const error = (code: string): Envelope => ({ status: 'error', error: code });
const success = (result: WireItem[] | null): Envelope => ({ status: 'success', result });

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

function messageItem(m: StoredMessage, sentField: 'sent' | 'issent'): WireItem {
  return {
    platformid: m.platformId,
    platform: m.platform,
    message: m.message,
    destination: m.destination,
    messageid: m.messageId,
    [sentField]: m.sent ? '1' : '0',
    status: m.status,
    datetime: m.datetime,
  };
}

/** The user a call is authenticated as, or the error code that refuses it. Throws nothing. */
export function authenticate(
  state: SandboxState,
  auth: CallerAuth,
): { user: string } | { code: string } {
  if (auth.kind === 'account') return { user: auth.user };
  if (missing(auth.user)) return { code: 'MISSING_USER' };
  if (missing(auth.password)) return { code: 'MISSING_PASSWORD' };
  const account = state.account(auth.user);
  if (!account || account.password !== auth.password) return { code: 'INCORRECT_USER_PASSWORD' };
  return { user: account.user };
}

/**
 * Handles one call. When several codes apply, the first of these is answered: MISSING_USER, MISSING_PASSWORD,
 * INCORRECT_USER_PASSWORD, MISSING_CLASS, INCORRECT_CLASS, MISSING_METHOD, INCORRECT_METHOD,
 * MISSING_COMPULSORY_PARAM, then the method's own codes (CHANNEL_NOT_FOUND, CHAT_NOT_FOUND,
 * then the table's order).
 */
export function handleChatCall(state: SandboxState, call: ApiCall): Envelope {
  const who = authenticate(state, call.auth);
  if ('code' in who) return error(who.code);
  if (missing(call.class)) return error('MISSING_CLASS');
  if (call.class !== 'chat') return error('INCORRECT_CLASS');
  if (missing(call.method)) return error('MISSING_METHOD');
  const method = Object.hasOwn(METHODS, call.method) ? METHODS[call.method] : undefined;
  if (!method) return error('INCORRECT_METHOD');
  const p = call.params;
  if (method.required.some((name) => missing(p[name]))) return error('MISSING_COMPULSORY_PARAM');

  const user = who.user;
  if (call.method === 'getchatchannels') {
    const channels = state.account(user)?.channels ?? [];
    return success(
      channels.map((c) => ({ platformid: c.platformId, platform: c.platform, name: c.name })),
    );
  }

  const platform = p.platform as string;
  const platformId = p.platformid as string;
  if (
    !(SANDBOX_PLATFORMS as readonly string[]).includes(platform) ||
    !state.channel(user, platform, platformId)
  ) {
    return error('CHANNEL_NOT_FOUND');
  }
  if (call.method === 'getchats') {
    return success(
      state.latestPerConversation(user, platform, platformId).map((m) => messageItem(m, 'sent')),
    );
  }

  const destination = p.destination as string;
  if (call.method === 'sendmessage') {
    state.append(user, {
      platform,
      platformId,
      destination,
      message: p.message as string,
      sent: true,
    });
    return success(null);
  }

  const conversation = state.conversation(user, platform, platformId, destination);
  if (!conversation) return error('CHAT_NOT_FOUND');

  if (call.method === 'sendfile') {
    const type = FILE_TYPES[(p.type as string).normalize('NFC')];
    if (type === undefined) return error('INCORRECT_FILETYPE');
    const fileUrl = p.fileurl as string;
    if (!isHttpUrl(fileUrl)) return error('INCORRECT_FILEURL');
    const thumbUrl = missing(p.thumburl) ? undefined : p.thumburl;
    if (thumbUrl !== undefined && !isHttpUrl(thumbUrl)) return error('INCORRECT_THUMBURL');
    state.append(user, {
      platform,
      platformId,
      destination,
      message: missing(p.message) ? fileUrl : p.message,
      sent: true,
      file: { type, fileUrl, ...(thumbUrl !== undefined ? { thumbUrl } : {}) },
    });
    return success(null);
  }
  if (call.method === 'getmessages') {
    return success(conversation.map((m) => messageItem(m, 'sent')));
  }
  // getunreadmessages: the unread inbound messages, which are then marked read.
  return success(
    state.takeUnread(user, platform, platformId, destination).map((m) => messageItem(m, 'issent')),
  );
}
