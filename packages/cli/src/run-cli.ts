/**
 * The `afilnet-chat` program: parses the command line, runs the command, and turns every
 * outcome into output and an exit code. Everything it prints, help aside, goes through a
 * redactor that knows the password and client secret, so no secret is printed even by mistake;
 * then everything, help included, goes through the printable-text filter line by line, so no
 * text a server controls (an error code, a SOAP faultstring, a message) reaches the terminal
 * with its escape sequences.
 *
 * Help is printed from the CLI's own modules and core's constants only: the client, its schema
 * library and undici are imported once a command runs, so `--help` starts fast.
 */
import type { ChatClient, ChatClientConfig } from '@afilnet-chat/core';
import type { Redactor } from '@afilnet-chat/core/transport';
import type { CliIo } from './cli-io.js';
import { CliUsageError } from './cli-usage-error.js';
import type { Command, CommandContext } from './command.js';
import { COMMANDS } from './command-registry.js';
import { EXIT_CODES, type ExitCode } from './exit-codes.js';
import { CONNECTION_OPTIONS, OUTPUT_OPTIONS } from './global-options.js';
import { commandHelp, mainHelp } from './help-text.js';
import { parseCommandOptions, splitCommand, type OptionValues } from './parse-command-line.js';
import { printableLines } from './printable-text.js';

const ALL_OPTIONS = [
  ...CONNECTION_OPTIONS,
  ...OUTPUT_OPTIONS,
  ...COMMANDS.flatMap((c) => c.options),
];

function errorChain(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && depth < 8; depth += 1) {
    parts.push(
      current instanceof Error
        ? (current.stack ?? `${current.name}: ${current.message}`)
        : String(current),
    );
    current = current instanceof Error ? current.cause : undefined;
    if (current !== undefined) parts.push('Caused by:');
  }
  return `${parts.join('\n')}\n`;
}

/**
 * Runs `afilnet-chat` with `argv` (the arguments after the program's name).
 *
 * @returns the exit code (see `EXIT_CODES`); never throws: every error is reported on `io`.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  // Made before anything but help is printed; help holds no secret.
  let redactor: Redactor | undefined;
  // The webhook secret (relay) is known from the start: it is read from the environment only.
  const webhookSecret = io.env.AFILNET_WEBHOOK_SECRET;
  const loadRedactor = async () =>
    (redactor ??= (await import('@afilnet-chat/core/transport')).createRedactor(
      webhookSecret ? [webhookSecret] : [],
    ));
  // Redacted first: the redactor looks for the secrets as they are, before escaping changes them.
  const safe = (text: string) => printableLines(redactor ? redactor.text(text) : text);
  const out = (text: string) => io.write(safe(text));
  const err = (text: string) => io.writeError(safe(text));
  // What commands write with goes through the same filter (stdin is a getter: reading it opens it).
  const commandIo: CliIo = {
    env: io.env,
    get stdin() {
      return io.stdin;
    },
    write: out,
    writeError: err,
    stopSignal: () => io.stopSignal(),
  };
  // Known before parsing, so that even a parse error is shown the way the user asked.
  const json = argv.includes('--json');
  const debug = argv.includes('--debug');
  let command: Command | undefined;
  let client: ChatClient | undefined;
  let proxy: ChatClientConfig['dispatcher'];

  try {
    const { name, rest } = splitCommand(argv, ALL_OPTIONS);
    if (name === undefined) {
      if (argv.includes('--help') || argv.includes('-h')) {
        out(mainHelp(COMMANDS));
        return EXIT_CODES.OK;
      }
      err(mainHelp(COMMANDS));
      return EXIT_CODES.USAGE;
    }
    if (name === 'help') {
      const topic = rest.find((a) => !a.startsWith('-'));
      const about = COMMANDS.find((c) => c.name === topic);
      if (topic !== undefined && about === undefined)
        throw new CliUsageError(`unknown command '${topic}'`);
      out(about === undefined ? mainHelp(COMMANDS) : commandHelp(about));
      return EXIT_CODES.OK;
    }
    command = COMMANDS.find((c) => c.name === name);
    if (command === undefined) {
      throw new CliUsageError(
        `unknown command '${name}'; the commands are ${COMMANDS.map((c) => c.name).join(', ')}`,
      );
    }
    const specs = [
      ...command.options,
      ...(command.callsApi ? CONNECTION_OPTIONS : []),
      ...OUTPUT_OPTIONS,
    ];
    const values: OptionValues = parseCommandOptions(rest, specs, command.name);
    if (values.help === true) {
      out(commandHelp(command));
      return EXIT_CODES.OK;
    }

    const text = (option: string) => {
      const value = values[option];
      return typeof value === 'string' ? value : undefined;
    };
    let opening: Promise<ChatClient> | undefined;
    const context: CommandContext = {
      io: commandIo,
      values,
      json,
      text,
      required: (option) => text(option) ?? '',
      client(extra = {}) {
        opening ??= (async () => {
          const [{ createChatClient }, { buildClientConfig }] = await Promise.all([
            import('@afilnet-chat/core'),
            import('./build-client-config.js'),
          ]);
          const { config, secrets } = await buildClientConfig(values, io);
          const known = await loadRedactor();
          for (const secret of secrets) known.add(secret);
          proxy = config.dispatcher;
          client = createChatClient({ ...config, ...extra });
          return client;
        })();
        return opening;
      },
      print(data, render) {
        out(json ? `${JSON.stringify(data)}\n` : render());
      },
    };
    await loadRedactor();
    return await command.run(context);
  } catch (error) {
    await loadRedactor();
    const { describeError } = await import('./describe-error.js');
    const report = describeError(error, command?.name);
    if (json) {
      err(`${JSON.stringify({ error: { ...report.json, hint: report.hint } })}\n`);
    } else {
      const message = report.message.replace(/\s*\n\s*/g, ' ');
      err(`afilnet-chat: error ${report.code}: ${message} — ${report.hint}\n`);
    }
    if (debug) err(errorChain(error));
    return report.exitCode;
  } finally {
    await client?.close();
    // A client never closes the dispatcher it was given.
    await proxy?.close();
  }
}
