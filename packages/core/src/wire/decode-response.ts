/**
 * Turning a transport's {@link WireResponse} into a method's result or a typed error, the same
 * way for every flavour. This is the one place where answers are judged.
 */
import { AfilnetApiError, AfilnetTransportError } from '../errors/errors.js';
import { CHAT_METHODS, type ChatMethod } from './methods.js';
import { channelListSchema, decodeCommonList, messageListSchema } from './result-decoders.js';
import { parseRetryAfter } from '../retry/retry-after.js';
import type { ChatChannel, ChatMessage } from './chat-types.js';
import type { WireResponse } from '../transport/transport.js';

/** What each method resolves to. */
export interface MethodResults {
  /** The account's channels. */
  getchatchannels: ChatChannel[];
  /** Nothing: the API gives no message id. */
  sendmessage: void;
  /** Nothing: the API gives no message id. */
  sendfile: void;
  /** The latest message of each conversation. */
  getchats: ChatMessage[];
  /** The whole conversation. */
  getmessages: ChatMessage[];
  /** The unread inbound messages, now marked read. */
  getunreadmessages: ChatMessage[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The envelope's `status` in lower case, without surrounding space; undefined when it has none. */
function statusOf(envelope: unknown): string | undefined {
  if (!isRecord(envelope)) return undefined;
  const status = envelope.status;
  return typeof status === 'string' ? status.trim().toLowerCase() : undefined;
}

/** The code of an error envelope (`status` `error`), or undefined when it names none. */
function errorCodeOf(envelope: Record<string, unknown>): string | undefined {
  const code = envelope.error;
  return typeof code === 'string' && code.trim() !== '' ? code.trim() : undefined;
}

/**
 * Statuses of a gateway or of a service that is not answering (RFC 9110 §15.6.3–15.6.5): a SOAP
 * Fault under one of them is that status, not the service's Fault.
 */
const UNAVAILABLE_STATUSES: ReadonlySet<number> = new Set([502, 503, 504]);

function httpFailure(
  response: WireResponse,
  mayHaveBeenSent: boolean,
  detail: string,
): AfilnetTransportError {
  const status = response.httpStatus;
  if (status === 401) {
    return new AfilnetTransportError(
      'UNAUTHORIZED',
      `The server refused the credentials (HTTP 401, ${detail})`,
      {
        httpStatus: status,
        mayHaveBeenSent,
      },
    );
  }
  const retryAfterMs = parseRetryAfter(response.headers?.['retry-after']);
  if (status === 429) {
    // The server refused the request before acting on it: even a send was not delivered.
    return new AfilnetTransportError(
      'RATE_LIMITED',
      `The server's rate limit refused the request (HTTP 429, ${detail})`,
      {
        httpStatus: status,
        mayHaveBeenSent: false,
        ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      },
    );
  }
  return new AfilnetTransportError(
    'HTTP_STATUS',
    `The server answered HTTP ${status} (${detail})`,
    {
      httpStatus: status,
      mayHaveBeenSent,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    },
  );
}

/**
 * Decodes a response.
 *
 * - A well-formed error envelope is an `AfilnetApiError` with its code, whatever the HTTP status.
 * - A SOAP Fault is `AfilnetTransportError` `SOAP_FAULT`, unless its status is 429, 502, 503 or
 *   504, which are read as that status whatever the body (`RATE_LIMITED`, `HTTP_STATUS`), the
 *   Fault's code and string in the message.
 * - HTTP 429 is `RATE_LIMITED`, with `retryAfterMs` and `mayHaveBeenSent` false, whether its
 *   body is unreadable, a SOAP Fault or an envelope without an error code.
 * - Any other non-2xx status is `HTTP_STATUS` (`UNAUTHORIZED` for 401), with `retryAfterMs`
 *   when the server sent `Retry-After` (a 503).
 * - A 2xx answer that is not a success envelope with a result of the method's shape is
 *   `MALFORMED_RESPONSE`.
 *
 * A success envelope of a method that answers nothing (`sendmessage`, `sendfile`) is a success
 * whatever its `result` holds: the message was accepted, and calling it a failure would invite
 * a resend that duplicates it.
 */
export function decodeResponse<M extends ChatMethod>(
  method: M,
  response: WireResponse,
): MethodResults[M] {
  const info = CHAT_METHODS[method];
  const sent = info.isSend;
  const { httpStatus, payload } = response;
  const ok = httpStatus >= 200 && httpStatus < 300;

  if (payload.kind === 'fault') {
    // A 429 is the rate limit refusing the request before the service acted on it, whatever body
    // the server wrote: calling it a Fault would mark a send as possibly delivered and stop the
    // retry that Retry-After invites. A 502, 503 or 504 is a gateway or an unavailable service
    // answering for it (SOAP 1.1 §6.2 puts a service's own Fault under 500): a busy server, so a
    // read is retried as after any 5xx; a send stays possibly delivered and is not.
    if (httpStatus === 429 || UNAVAILABLE_STATUSES.has(httpStatus)) {
      return fail(
        httpFailure(response, sent, `SOAP Fault ${payload.faultCode}: ${payload.faultString}`),
      );
    }
    return fail(
      new AfilnetTransportError(
        'SOAP_FAULT',
        `The server answered a SOAP Fault (${payload.faultCode}: ${payload.faultString})`,
        {
          httpStatus,
          mayHaveBeenSent: sent,
          faultCode: payload.faultCode,
          faultString: payload.faultString,
        },
      ),
    );
  }
  if (payload.kind === 'unparseable') {
    if (!ok) return fail(httpFailure(response, sent, payload.reason));
    return fail(
      new AfilnetTransportError(
        'MALFORMED_RESPONSE',
        `The response is not an API envelope: ${payload.reason}`,
        {
          httpStatus,
          mayHaveBeenSent: sent,
        },
      ),
    );
  }

  const envelope = payload.value;
  // Read once: the status decides both whether this is an error envelope and a success.
  const status = statusOf(envelope);
  if (status === 'error') {
    const code = errorCodeOf(envelope as Record<string, unknown>);
    if (code !== undefined) throw new AfilnetApiError(code, { httpStatus });
  }
  if (!ok) return fail(httpFailure(response, sent, 'no API envelope'));
  if (status !== 'success') {
    return fail(
      new AfilnetTransportError(
        'MALFORMED_RESPONSE',
        'The response is not a well-formed API envelope',
        {
          httpStatus,
          mayHaveBeenSent: sent,
        },
      ),
    );
  }

  if (info.result === 'none') return undefined as MethodResults[M];
  const result = (envelope as Record<string, unknown>).result;
  const common = decodeCommonList(info.result, result);
  if (common !== undefined) return common as MethodResults[M];
  const schema = info.result === 'channels' ? channelListSchema : messageListSchema;
  const parsed = schema.safeParse(result);
  if (!parsed.success) {
    const where = parsed.error.issues[0];
    const path = where ? where.path.join('.') : '';
    return fail(
      new AfilnetTransportError(
        'MALFORMED_RESPONSE',
        `The ${method} result does not have the documented shape${path ? ` (at result.${path})` : ''}`,
        { httpStatus, mayHaveBeenSent: false },
      ),
    );
  }
  return parsed.data as MethodResults[M];
}

function fail(error: AfilnetTransportError): never {
  throw error;
}
