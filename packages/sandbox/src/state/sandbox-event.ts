/**
 * The shapes of the sandbox's event stream (`GET /__sandbox/events`), which are also
 * the objects its control API lists.
 */

/** The five flavours, by the transport names clients use. */
export const SANDBOX_FLAVOURS = ['get', 'post', 'basic', 'soap', 'json-oauth'] as const;

/** A flavour of the API, named like its transport. */
export type SandboxFlavour = (typeof SANDBOX_FLAVOURS)[number];

/** A file sent with `sendfile`. */
export interface SandboxFile {
  /** The file type, as sent (`image`, `document`, …). */
  readonly type: string;
  /** The file's URL. */
  readonly fileUrl: string;
  /** The thumbnail's URL, when one was sent. */
  readonly thumbUrl?: string;
}

/** A stored message, as the `message` event and `GET /__sandbox/messages` give it. */
export interface SandboxMessage {
  /** The id of the event that announced this message in the stream. */
  readonly id: number;
  /** The user of the account the conversation belongs to. */
  readonly account: string;
  /** The channel's platform. */
  readonly platform: string;
  /** The channel's identifier. */
  readonly platformId: string;
  /** The contact: the other end of the conversation. */
  readonly destination: string;
  /** `outbound`: sent by the account through the API; `inbound`: written by the contact. */
  readonly direction: 'outbound' | 'inbound';
  /** The text (a file's caption). */
  readonly message: string;
  /** The id the API gives the message. */
  readonly messageId: string;
  /** `YYYY-MM-DD HH:MM:SS` in UTC, as the API gives it. */
  readonly datetime: string;
  /** `sent` for outbound messages; `unread` or `read` (by `getunreadmessages`) for inbound ones. */
  readonly status: 'sent' | 'unread' | 'read';
  /** True for outbound messages, as the API's `sent` field. */
  readonly sent: boolean;
  /** The file, for a message sent with `sendfile`. */
  readonly file?: SandboxFile;
}

/** An API call the sandbox answered (or dropped on purpose), as the `request` event gives it. */
export interface SandboxRequest {
  /** The id of the event that announced this request in the stream. */
  readonly id: number;
  /** The flavour the request came in by, named like its transport. */
  readonly flavour: SandboxFlavour;
  /** The API method (`sendmessage`, …), `token` for the token endpoint; empty when none was named. */
  readonly method: string;
  /** The HTTP status answered; 0 when a chaos rule dropped the connection. */
  readonly status: number;
  /** The API error code or SOAP Fault code, when there was one. */
  readonly code?: string;
  /** From the request's arrival to the end of the answer, in milliseconds. */
  readonly durationMs: number;
  /** The chaos fault applied to this request, described in words (e.g. `status 503`, `reset after-commit`). */
  readonly chaos?: string;
  /** The trace id of the request's W3C `traceparent` header, when it carried a valid one. */
  readonly traceId?: string;
}

/** One event of the stream, with its name and data. */
export type SandboxEvent =
  | {
      /** A message was stored, or read by `getunreadmessages`. */
      readonly type: 'message';
      /** The message as it now is. */
      readonly data: SandboxMessage;
    }
  | {
      /** An API call was answered. */
      readonly type: 'request';
      /** The call. */
      readonly data: SandboxRequest;
    }
  | {
      /** The sandbox was reset: forget what you had. */
      readonly type: 'reset';
      /** Only the event's id. */
      readonly data: {
        /** The event's id. */
        readonly id: number;
      };
    };
