/** The text of `--help`, derived from the commands' option specs so it never drifts from parsing. */
import type { Command } from './command.js';
import { EXIT_CODES } from './exit-codes.js';
import { CONNECTION_OPTIONS, OUTPUT_OPTIONS } from './global-options.js';
import type { OptionSpec } from './option-spec.js';

function optionLines(specs: readonly OptionSpec[]): string[] {
  const labels = specs.map(
    (s) => `${s.short ? `-${s.short}, ` : ''}--${s.name}${s.valueName ? ` ${s.valueName}` : ''}`,
  );
  const width = Math.max(...labels.map((l) => l.length));
  return specs.map(
    (s, i) =>
      `  ${(labels[i] ?? '').padEnd(width)}  ${s.description}${s.required ? ' (required)' : ''}`,
  );
}

const EXIT_CODE_LINES = [
  'Exit codes:',
  `  ${EXIT_CODES.OK} done   ${EXIT_CODES.FAILURE} unexpected failure   ${EXIT_CODES.USAGE} bad usage or configuration   ` +
    `${EXIT_CODES.API_ERROR} API error   ${EXIT_CODES.TRANSPORT_ERROR} transport error`,
];

/** The help of `afilnet-chat` itself: the commands and the options they share. */
export function mainHelp(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'Usage: afilnet-chat <command> [options]',
    '',
    'Call the Afilnet Web Chat API, watch for replies, or run the local sandbox.',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Connection options (commands that call the API):',
    ...optionLines(CONNECTION_OPTIONS),
    '',
    'Output options (every command):',
    ...optionLines(OUTPUT_OPTIONS),
    '',
    'Credentials come from AFILNET_USER and AFILNET_PASSWORD (or --password-stdin), never from arguments.',
    'OAuth: AFILNET_CLIENT_ID, AFILNET_CLIENT_SECRET, AFILNET_TOKEN_URL (json-oauth only, optional).',
    '',
    ...EXIT_CODE_LINES,
    '',
    "Run 'afilnet-chat <command> --help' for a command's options.",
    '',
  ].join('\n');
}

/** The help of one command. */
export function commandHelp(command: Command): string {
  const required = command.options
    .filter((o) => o.required)
    .map((o) => `--${o.name} ${o.valueName ?? ''}`.trim());
  return [
    `Usage: afilnet-chat ${command.name}${required.length > 0 ? ` ${required.join(' ')}` : ''} [options]`,
    '',
    command.description,
    '',
    ...(command.options.length > 0 ? ['Options:', ...optionLines(command.options), ''] : []),
    ...(command.callsApi ? ['Connection options:', ...optionLines(CONNECTION_OPTIONS), ''] : []),
    'Output options:',
    ...optionLines(OUTPUT_OPTIONS),
    '',
    ...(command.callsApi
      ? [
          'Credentials come from AFILNET_USER and AFILNET_PASSWORD (or --password-stdin), never from arguments.',
          '',
        ]
      : []),
    ...EXIT_CODE_LINES,
    '',
    'Examples:',
    ...command.examples.map((e) => `  ${e}`),
    '',
  ].join('\n');
}
