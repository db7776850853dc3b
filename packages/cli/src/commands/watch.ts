/**
 * `afilnet-chat watch`: prints inbound messages as they arrive, of one conversation
 * (`--destination`, `watchUnreadMessages`) or of the whole account or one channel
 * (`watchInbound`, optionally on a `--checkpoint` file).
 */
import type { AfilnetTransportError, ChatClient, ChatMessage, Platform } from '@afilnet-chat/core';
import { DEFAULT_WATCH_INTERVAL_MS, PLATFORMS } from '@afilnet-chat/core/constants';
import { CliUsageError } from '../cli-usage-error.js';
import type { Command, CommandContext } from '../command.js';
import { EXIT_CODES, type ExitCode } from '../exit-codes.js';
import { parseIntegerOption } from '../parse-integer-option.js';
import { printableText } from '../printable-text.js';
import { renderMessageLine } from '../render-messages.js';
import {
  METRICS_PORT_OPTION,
  startMetricsEndpoint,
  type MetricsEndpoint,
} from '../metrics-endpoint.js';

function retryWarning(context: CommandContext) {
  return (error: AfilnetTransportError, delayMs: number) => {
    context.io.writeError(
      context.json
        ? `${JSON.stringify({ warning: { code: error.code, message: error.message, retryInMs: delayMs } })}\n`
        : `afilnet-chat: warning ${error.code}: ${printableText(error.message)}; retrying in ${delayMs} ms\n`,
    );
  };
}

/** Watches for replies. */
export const watchCommand: Command = {
  name: 'watch',
  summary:
    'Print inbound messages as they arrive (the account, a channel or a conversation), until Ctrl-C',
  description:
    'Without --destination, watches every conversation of the account (or of the channel named by --platform and ' +
    '--platform-id), new customers included: each poll reads getchats per channel, then getunreadmessages only for the ' +
    'conversations whose latest message changed. With --checkpoint <file>, what was printed is remembered there: a watch ' +
    'stopped or killed at any instant and started again with the same file prints every message it had not printed, and ' +
    'repeats at most the last one it printed. With --destination, polls that one conversation (getunreadmessages, which ' +
    'marks them read). One line per message, or one JSON object per line with --json. Network and server failures are ' +
    'retried with a growing pause (up to 60 s), reported on stderr. Stops with exit code 0 on SIGINT (Ctrl-C) or SIGTERM, ' +
    'or after --count messages.',
  callsApi: true,
  options: [
    {
      name: 'platform',
      type: 'string',
      valueName: '<platform>',
      description: `The channel's platform: ${PLATFORMS.join(', ')} (with --platform-id)`,
    },
    {
      name: 'platform-id',
      type: 'string',
      valueName: '<id>',
      description: "The channel's id (see 'afilnet-chat channels')",
    },
    {
      name: 'destination',
      type: 'string',
      valueName: '<contact>',
      description: 'Watch only this conversation (needs --platform and --platform-id)',
    },
    {
      name: 'checkpoint',
      type: 'string',
      valueName: '<file>',
      description: 'Remember what was printed in this file (not with --destination)',
    },
    {
      name: 'interval',
      type: 'string',
      valueName: '<ms>',
      description: `Pause between polls in milliseconds (default ${DEFAULT_WATCH_INTERVAL_MS})`,
    },
    {
      name: 'count',
      type: 'string',
      valueName: '<n>',
      description: 'Stop after this many messages',
    },
    METRICS_PORT_OPTION,
  ],
  examples: [
    'afilnet-chat watch --transport post --checkpoint ./afilnet-inbound.json',
    'afilnet-chat watch --transport post --platform whatsapp --platform-id 100 --json',
    'afilnet-chat watch --transport post --platform whatsapp --platform-id 100 --destination 34600000000 --count 1',
  ],
  async run(context) {
    const platform = context.text('platform');
    const platformId = context.text('platform-id');
    const destination = context.text('destination');
    const checkpointPath = context.text('checkpoint');
    if ((platform === undefined) !== (platformId === undefined)) {
      throw new CliUsageError(
        '--platform and --platform-id name a channel together: give both or neither',
        'watch',
      );
    }
    if (destination !== undefined && platform === undefined) {
      throw new CliUsageError('--destination needs --platform and --platform-id', 'watch');
    }
    if (destination !== undefined && checkpointPath !== undefined) {
      throw new CliUsageError(
        '--checkpoint watches the account or a channel: leave out --destination',
        'watch',
      );
    }
    if (checkpointPath === '') throw new CliUsageError('--checkpoint needs a file name', 'watch');
    const intervalMs = parseIntegerOption(
      'interval',
      context.text('interval'),
      DEFAULT_WATCH_INTERVAL_MS,
      1,
      86_400_000,
    );
    const limit = parseIntegerOption('count', context.text('count'), 0, 1, Number.MAX_SAFE_INTEGER);
    const metricsPort = context.text('metrics-port');
    const metrics: MetricsEndpoint | undefined =
      metricsPort === undefined
        ? undefined
        : await startMetricsEndpoint(parseIntegerOption('metrics-port', metricsPort, 0, 0, 65_535));
    try {
      if (metrics !== undefined) context.io.writeError(`Serving metrics on ${metrics.url}\n`);
      const chat = await context.client(
        metrics === undefined ? {} : { telemetry: { meterProvider: metrics.meterProvider } },
      );
      return await watchWith(context, chat, {
        platform,
        platformId,
        destination,
        checkpointPath,
        intervalMs,
        limit,
      });
    } finally {
      await metrics?.close();
    }
  },
};

/** What `watch` was asked to watch, its options checked. */
interface WatchRequest {
  readonly platform: string | undefined;
  readonly platformId: string | undefined;
  readonly destination: string | undefined;
  readonly checkpointPath: string | undefined;
  readonly intervalMs: number;
  readonly limit: number;
}

/** Watches the account, a channel or one conversation with `chat` and prints until stopped. */
async function watchWith(
  context: CommandContext,
  chat: ChatClient,
  request: WatchRequest,
): Promise<ExitCode> {
  const { platform, platformId, destination, checkpointPath, intervalMs, limit } = request;
  const show = (m: ChatMessage) =>
    context.io.write(context.json ? `${JSON.stringify(m)}\n` : renderMessageLine(m));
  const channel =
    platform === undefined || platformId === undefined
      ? undefined
      : { platform: platform as Platform, platformId };

  if (channel !== undefined && destination !== undefined) {
    return watchConversation(context, chat, { ...channel, destination }, intervalMs, limit, show);
  }
  if (!context.json) {
    const what =
      channel === undefined
        ? 'every channel of the account'
        : `${printableText(channel.platform)} ${printableText(channel.platformId)}`;
    const where =
      checkpointPath === undefined ? '' : ` (checkpoint ${printableText(checkpointPath)})`;
    context.io.writeError(`Watching ${what}${where} every ${intervalMs} ms; Ctrl-C to stop.\n`);
  }
  const watch = chat.watchInbound({
    intervalMs,
    signal: context.io.stopSignal(),
    onRetry: retryWarning(context),
    ...(channel === undefined ? {} : { channels: [channel] }),
    // Loaded here, not at the top, so that `--help` loads nothing of the client.
    ...(checkpointPath === undefined
      ? {}
      : { checkpoint: (await import('@afilnet-chat/core')).createFileCheckpoint(checkpointPath) }),
  });
  let shown = 0;
  // Asking for the next message acknowledges the one printed; the loop's break (--count) and
  // Ctrl-C leave the last one printed unacknowledged, so a checkpoint may print it once more.
  for await (const message of watch) {
    show(message);
    shown += 1;
    if (limit > 0 && shown >= limit) break;
  }
  return EXIT_CODES.OK;
}

async function watchConversation(
  context: CommandContext,
  chat: ChatClient,
  conversation: { platform: Platform; platformId: string; destination: string },
  intervalMs: number,
  limit: number,
  show: (m: ChatMessage) => void,
) {
  if (!context.json) {
    context.io.writeError(
      `Watching ${printableText(conversation.platform)} ${printableText(conversation.platformId)} / ` +
        `${printableText(conversation.destination)} every ${intervalMs} ms; Ctrl-C to stop.\n`,
    );
  }
  const watch = chat.watchUnreadMessages({
    ...conversation,
    intervalMs,
    signal: context.io.stopSignal(),
    onRetry: retryWarning(context),
  });
  let shown = 0;
  for await (const message of watch) {
    show(message);
    shown += 1;
    if (limit > 0 && shown >= limit) break;
  }
  for (const message of watch.takeUndelivered()) show(message);
  return EXIT_CODES.OK;
}
