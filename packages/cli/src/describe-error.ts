/**
 * Turning any error into what the CLI shows: one line with the code and what to do, an exit
 * code, and a JSON form for `--json`.
 */
import { AfilnetApiError, AfilnetTransportError, AfilnetValidationError } from '@afilnet-chat/core';
import { CliUsageError } from './cli-usage-error.js';
import { EXIT_CODES, type ExitCode } from './exit-codes.js';

/** An error as the CLI reports it. */
export interface ErrorReport {
  readonly exitCode: ExitCode;
  /** The stable code: the SDK's, `USAGE`, or `INTERNAL` for anything unexpected. */
  readonly code: string;
  /** What went wrong. */
  readonly message: string;
  /** What to do about it. */
  readonly hint: string;
  /** The machine-readable form printed with `--json`. */
  readonly json: Record<string, unknown>;
}

const API_HINTS: Record<string, string> = {
  MISSING_USER: 'set AFILNET_USER or --user',
  MISSING_PASSWORD: 'set AFILNET_PASSWORD or pipe the password with --password-stdin',
  INCORRECT_USER_PASSWORD:
    'check the user (AFILNET_USER, --user) and the password (AFILNET_PASSWORD, --password-stdin)',
  CHANNEL_NOT_FOUND:
    "list the account's channels with 'afilnet-chat channels' and check --platform and --platform-id",
  CHAT_NOT_FOUND:
    "send a message first to open the conversation, or list conversations with 'afilnet-chat chats'",
  INCORRECT_FILETYPE: 'use --type image, video, audio, voice, document or contact',
  INCORRECT_FILEURL: 'give --file-url as a reachable http(s) URL',
  INCORRECT_THUMBURL: 'give --thumb-url as a reachable http(s) URL',
  MISSING_COMPULSORY_PARAM: 'every option of the command needs a non-empty value',
  UNKNOWN_CODE: 'check that --base-url points at the Afilnet API',
};

const TRANSPORT_HINTS: Record<string, string> = {
  NETWORK: 'check --base-url (AFILNET_BASE_URL) and the network, then retry',
  TIMEOUT: 'retry later, or allow more time with --timeout',
  ABORTED: 'the call was interrupted; retry it',
  HTTP_STATUS: 'check that --base-url points at the Afilnet API, or retry later',
  RATE_LIMITED:
    'the server is limiting the rate of requests and nothing was delivered; retry after the wait it asked for',
  MALFORMED_RESPONSE: 'check that --base-url points at the Afilnet API',
  RESPONSE_TOO_LARGE: 'check that --base-url points at the Afilnet API',
  SOAP_FAULT: 'check that --base-url points at the Afilnet API, or try another --transport',
  TOKEN_ENDPOINT:
    'check the OAuth client (AFILNET_CLIENT_ID, AFILNET_CLIENT_SECRET) and AFILNET_TOKEN_URL',
  UNAUTHORIZED: 'the API refused the OAuth token twice; check the OAuth client and retry',
};

function validationHint(error: AfilnetValidationError, command: string | undefined): string {
  const paths = error.issues.map((i) => i.path);
  switch (error.code) {
    case 'INVALID_CONFIG':
      if (paths.includes('transport'))
        return 'choose how credentials travel with --transport or AFILNET_TRANSPORT';
      if (paths.some((p) => p.startsWith('credentials'))) {
        return 'set AFILNET_USER (or --user) and AFILNET_PASSWORD (or pipe the password with --password-stdin)';
      }
      return 'check the AFILNET_* variables and the connection options (afilnet-chat --help)';
    case 'INSECURE_URL':
      return 'use an https:// URL, or --allow-insecure-http for a local sandbox';
    case 'SECURITY_BELOW_MINIMUM':
      return 'choose a better-rated --transport, or lower --min-security';
    case 'TRANSPORT_NOT_INSTALLED':
      return 'install the package named above, or choose another --transport';
    case 'URL_TOO_LONG':
      return 'use --transport post (or another transport that sends a body)';
    default:
      return `check the options (afilnet-chat ${command ?? '<command>'} --help)`;
  }
}

function sentWarning(error: AfilnetTransportError): string {
  return error.mayHaveBeenSent
    ? "; the message may have been sent: check with 'afilnet-chat messages' before resending"
    : '';
}

/** Describes an error for the user of `command` (when known). Never quotes a secret of its own. */
export function describeError(error: unknown, command?: string): ErrorReport {
  if (error instanceof CliUsageError) {
    const on = error.command ?? command;
    const hint = on === undefined ? "see 'afilnet-chat --help'" : `see 'afilnet-chat ${on} --help'`;
    return {
      exitCode: EXIT_CODES.USAGE,
      code: error.code,
      message: error.message,
      hint,
      json: { name: error.name, code: error.code, message: error.message },
    };
  }
  if (error instanceof AfilnetValidationError) {
    return {
      exitCode: EXIT_CODES.USAGE,
      code: error.code,
      message: error.message,
      hint: validationHint(error, command),
      json: error.toJSON(),
    };
  }
  if (error instanceof AfilnetApiError) {
    return {
      exitCode: EXIT_CODES.API_ERROR,
      code: error.code,
      message: error.message,
      hint: API_HINTS[error.code] ?? 'see the Afilnet API documentation for this code',
      json: error.toJSON(),
    };
  }
  if (error instanceof AfilnetTransportError) {
    return {
      exitCode: EXIT_CODES.TRANSPORT_ERROR,
      code: error.code,
      message: error.message,
      hint: (TRANSPORT_HINTS[error.code] ?? 'retry later') + sentWarning(error),
      json: error.toJSON(),
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return {
    exitCode: EXIT_CODES.FAILURE,
    code: 'INTERNAL',
    message,
    hint: 'run again with --debug for details, and report it if it persists',
    json: { name: error instanceof Error ? error.name : 'Error', code: 'INTERNAL', message },
  };
}
