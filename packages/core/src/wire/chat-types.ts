/**
 * The public data types of the Web Chat API.
 */

/** The platforms a channel can be on. */
export const PLATFORMS = ['webchat', 'whatsapp', 'telegram', 'operator'] as const;
/** A platform the API documents. */
export type Platform = (typeof PLATFORMS)[number];
/**
 * A platform as read from a result: one of {@link Platform}, or a string Afilnet added later
 * (decoders keep unknown values so that a new platform never breaks a read).
 */
export type PlatformName = Platform | (string & {});

/** The file types `sendfile` accepts, as sent on the wire. */
export const FILE_TYPES = ['image', 'video', 'audio', 'voice', 'document', 'contact'] as const;
/** A file type of `sendfile`. */
export type FileType = (typeof FILE_TYPES)[number];
/** The French documentation's spellings, accepted as input and sent as their English values. */
export type FileTypeFrenchSpelling = 'vidéo' | 'voix';

/** A chat channel of the account (`getchatchannels`). */
export interface ChatChannel {
  /** The channel's identifier in the account (`"100"`): the `platformId` of every call on it. */
  platformId: string;
  /** The platform the channel is on. */
  platform: PlatformName;
  /** The channel's name, as set in the Afilnet account. */
  name: string;
}

/** A chat message (`getchats`, `getmessages`, `getunreadmessages`). */
export interface ChatMessage {
  /** The channel the message belongs to. */
  platformId: string;
  /** The channel's platform. */
  platform: PlatformName;
  /** The customer's side of the conversation: a phone number on WhatsApp, an id elsewhere. */
  destination: string;
  /** The server's id of the message, unique within the account. */
  messageId: string;
  /** The text (for a file, its caption, possibly empty). */
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
  /** The channel's platform. */
  platform: Platform;
  /** The channel's identifier, as `getChatChannels` lists it (`"100"`). */
  platformId: string;
}

/** Input of `getMessages` and `getUnreadMessages`. */
export interface ConversationRef extends ChannelRef {
  /**
   * Who the conversation is with: on WhatsApp the phone number in international form, digits
   * only (`34600000000`); elsewhere the `destination` that `getChats` or an inbound message gives.
   */
  destination: string;
}

/** Input of `sendMessage`. */
export interface SendMessageInput extends ConversationRef {
  /** The text, at most `maxMessageLength` code points (4,096 by default). */
  message: string;
}

/** Input of `sendFile`. */
export interface SendFileInput extends ConversationRef {
  /** What the file is; `vidéo` and `voix` are sent as `video` and `voice`. */
  type: FileType | FileTypeFrenchSpelling;
  /** Where Afilnet fetches the file: an absolute `http` or `https` URL. */
  fileUrl: string;
  /** A thumbnail's absolute `http` or `https` URL. */
  thumbUrl?: string;
  /** A caption. */
  message?: string;
}

/** Per-call options, the optional last argument of every method. */
export interface CallOptions {
  /** Aborts the call; the promise then rejects with `AfilnetTransportError` code `ABORTED`. */
  signal?: AbortSignal;
  /** The overall deadline of this call in milliseconds, retries included. */
  timeoutMs?: number;
}
