/**
 * The public data types of the Web Chat API (SPEC §2, §4).
 */

/** The platforms a channel can be on. */
export const PLATFORMS = ['webchat', 'whatsapp', 'telegram', 'operator'] as const;
/** A platform the API documents. */
export type Platform = (typeof PLATFORMS)[number];
/**
 * A platform as read from a result: one of {@link Platform}, or a string Afilnet added later
 * (decoders keep unknown values so that a new platform never breaks a read).
 */
export type ResultPlatform = Platform | (string & {});

/** The file types `sendfile` accepts, as sent on the wire. */
export const FILE_TYPES = ['image', 'video', 'audio', 'voice', 'document', 'contact'] as const;
/** A file type of `sendfile`. */
export type FileType = (typeof FILE_TYPES)[number];
/** The French documentation's spellings, accepted as input and sent as their English values. */
export type FileTypeAlias = 'vidéo' | 'voix';

/** A chat channel of the account (`getchatchannels`). */
export interface ChatChannel {
  platformId: string;
  platform: ResultPlatform;
  name: string;
}

/** A chat message (`getchats`, `getmessages`, `getunreadmessages`). */
export interface ChatMessage {
  platformId: string;
  platform: ResultPlatform;
  destination: string;
  messageId: string;
  message: string;
  /** True for a message the account sent; `issent` on the wire for `getunreadmessages`. */
  sent: boolean;
  /** As the server gives it. */
  status: string;
  /** As the server gives it (`YYYY-MM-DD HH:MM:SS`, zone not stated). */
  datetime: string;
}

/** Input of `getChats`. */
export interface ChannelRef {
  platform: Platform;
  platformId: string;
}

/** Input of `getMessages` and `getUnreadMessages`. */
export interface ConversationRef extends ChannelRef {
  destination: string;
}

/** Input of `sendMessage`. */
export interface SendMessageInput extends ConversationRef {
  message: string;
}

/** Input of `sendFile`. */
export interface SendFileInput extends ConversationRef {
  type: FileType | FileTypeAlias;
  fileUrl: string;
  thumbUrl?: string;
  message?: string;
}

/** Per-call options, the optional last argument of every method. */
export interface CallOptions {
  /** Aborts the call; the promise then rejects with `AfilnetTransportError` code `ABORTED`. */
  signal?: AbortSignal;
  /** The overall deadline of this call in milliseconds, retries included. */
  timeoutMs?: number;
}
