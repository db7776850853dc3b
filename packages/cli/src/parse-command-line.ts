/**
 * Parsing the command line with `node:util`'s `parseArgs`: first the command's name, then its
 * options, strictly (an unknown option or stray argument is an error, never ignored).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CliUsageError } from './cli-usage-error.js';
import type { OptionSpec } from './option-spec.js';

/** Parsed option values by long name: a string for valued options, `true` for switches given. */
export type OptionValues = Readonly<Record<string, string | boolean | undefined>>;

type ParseOptions = NonNullable<ParseArgsConfig['options']>;

function toParseOptions(specs: readonly OptionSpec[]): ParseOptions {
  const options: ParseOptions = {};
  for (const spec of specs) {
    options[spec.name] =
      spec.short === undefined ? { type: spec.type } : { type: spec.type, short: spec.short };
  }
  return options;
}

/**
 * Finds the command: the first argument that is neither an option nor an option's value, so
 * that connection options may come before the command's name.
 *
 * @returns the command's name and the arguments without it; `undefined` when there is none.
 */
export function splitCommand(
  argv: readonly string[],
  specs: readonly OptionSpec[],
): { readonly name: string | undefined; readonly rest: readonly string[] } {
  const { tokens } = parseArgs({
    args: [...argv],
    options: toParseOptions(specs),
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const first = tokens.find((t) => t.kind === 'positional');
  if (first === undefined) return { name: undefined, rest: argv };
  return { name: first.value, rest: argv.filter((_arg, i) => i !== first.index) };
}

function usageMessage(error: unknown, command: string): string {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  const quoted = /'([^']+)'/.exec(message)?.[1];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && quoted !== undefined)
    return `unknown option ${quoted} for '${command}'`;
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && quoted !== undefined) {
    return /argument missing/.test(message)
      ? `option ${quoted} needs a value`
      : `option ${quoted.split(' ')[0]} is a switch and takes no value`;
  }
  return message.split('. ')[0] ?? message;
}

/**
 * Parses a command's options. Required options are checked unless `--help` is given.
 *
 * @throws {CliUsageError} for an unknown option, a missing value, a stray argument or a missing
 *   required option (all the missing ones are named).
 */
export function parseCommandOptions(
  args: readonly string[],
  specs: readonly OptionSpec[],
  command: string,
): OptionValues {
  let parsed: {
    values: Record<string, string | boolean | Array<string | boolean> | undefined>;
    positionals: string[];
  };
  try {
    parsed = parseArgs({
      args: [...args],
      options: toParseOptions(specs),
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    throw new CliUsageError(usageMessage(error, command), command);
  }
  if (parsed.positionals.length > 0) {
    throw new CliUsageError(
      `unexpected argument ${JSON.stringify(parsed.positionals[0])} for '${command}'; every value goes with an option`,
      command,
    );
  }
  const values: Record<string, string | boolean | undefined> = {};
  for (const [name, value] of Object.entries(parsed.values)) {
    values[name] = Array.isArray(value) ? value.at(-1) : value;
  }
  if (values.help !== true) {
    const missing = specs.filter(
      (s) => s.required && (values[s.name] === undefined || values[s.name] === ''),
    );
    if (missing.length > 0) {
      throw new CliUsageError(
        `'${command}' needs ${missing.map((s) => `--${s.name}`).join(', ')}`,
        command,
      );
    }
  }
  return values;
}
