/** `afilnet-chat watch`: prints a conversation's new inbound messages as they arrive. */
import type { ChatMessage } from '@afilnet-chat/core';
import { DEFAULT_WATCH_INTERVAL_MS } from '@afilnet-chat/core/constants';
import type { Command, CommandContext } from '../command.js';
import { CONVERSATION_OPTIONS, conversationFrom } from '../conversation-options.js';
import { EXIT_CODES, type ExitCode } from '../exit-codes.js';
import { parseIntegerOption } from '../parse-integer-option.js';
import { printableText } from '../printable-text.js';
import { renderMessageLine } from '../render-messages.js';
import { METRICS_PORT_OPTION, startMetricsEndpoint, type MetricsEndpoint } from '../metrics-endpoint.js';

/** Watches for replies. */
export const watchCommand: Command = {
  name: 'watch',
  summary: 'Print new messages of a conversation as they arrive, until Ctrl-C',
  description:
    'Polls the unread messages of a conversation (getunreadmessages, which marks them read) and prints each new one as it ' +
    'arrives: one line per message, or one JSON object per line with --json. Network and server failures are retried with ' +
    'a growing pause (up to 60 s), reported on stderr. Stops with exit code 0 on SIGINT (Ctrl-C) or SIGTERM, or after --count ' +
    'messages (every message of the last poll is printed: the API has already marked them read).',
  callsApi: true,
  options: [
    ...CONVERSATION_OPTIONS,
    { name: 'interval', type: 'string', valueName: '<ms>', description: `Pause between polls in milliseconds (default ${DEFAULT_WATCH_INTERVAL_MS})` },
    { name: 'count', type: 'string', valueName: '<n>', description: 'Stop after this many messages' },
    METRICS_PORT_OPTION,
  ],
  examples: [
    'afilnet-chat watch --transport post --platform whatsapp --platform-id 100 --destination 34600000000',
    'afilnet-chat watch --transport post --platform whatsapp --platform-id 100 --destination 34600000000 --count 1 --json',
  ],
  async run(context) {
    const conversation = conversationFrom(context);
    const intervalMs = parseIntegerOption('interval', context.text('interval'), DEFAULT_WATCH_INTERVAL_MS, 1, 86_400_000);
    const limit = parseIntegerOption('count', context.text('count'), 0, 1, Number.MAX_SAFE_INTEGER);
    const metricsPort = context.text('metrics-port');
    const metrics: MetricsEndpoint | undefined =
      metricsPort === undefined ? undefined : await startMetricsEndpoint(parseIntegerOption('metrics-port', metricsPort, 0, 0, 65_535));
    try {
      if (metrics !== undefined) context.io.writeError(`Serving metrics on ${metrics.url}\n`);
      return await watch(context, conversation, intervalMs, limit, metrics);
    } finally {
      await metrics?.close();
    }
  },
};

/** Polls and prints until stopped, reporting to `metrics` when given. */
async function watch(
  context: CommandContext,
  conversation: ReturnType<typeof conversationFrom>,
  intervalMs: number,
  limit: number,
  metrics: MetricsEndpoint | undefined,
): Promise<ExitCode> {
  const chat = await context.client(metrics === undefined ? {} : { telemetry: { meterProvider: metrics.meterProvider } });
  const signal = context.io.stopSignal();
  const show = (m: ChatMessage) => context.io.write(context.json ? `${JSON.stringify(m)}\n` : renderMessageLine(m));

  if (!context.json) {
    context.io.writeError(
      `Watching ${printableText(conversation.platform)} ${printableText(conversation.platformId)} / ` +
        `${printableText(conversation.destination)} every ${intervalMs} ms; Ctrl-C to stop.\n`,
    );
  }
  const watch = chat.watchUnreadMessages({
    ...conversation,
    intervalMs,
    signal,
    onRetry: (error, delayMs) => {
      context.io.writeError(
        context.json
          ? `${JSON.stringify({ warning: { code: error.code, message: error.message, retryInMs: delayMs } })}\n`
          : `afilnet-chat: warning ${error.code}: ${error.message}; retrying in ${delayMs} ms\n`,
      );
    },
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
