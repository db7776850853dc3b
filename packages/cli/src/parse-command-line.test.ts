import { describe, expect, it } from 'vitest';
import { CliUsageError } from './cli-usage-error.js';
import type { OptionSpec } from './option-spec.js';
import { parseCommandOptions, splitCommand } from './parse-command-line.js';

const OPTIONS: OptionSpec[] = [
  { name: 'transport', type: 'string', description: '' },
  { name: 'json', type: 'boolean', description: '' },
  { name: 'help', type: 'boolean', short: 'h', description: '' },
  { name: 'platform', type: 'string', description: '', required: true },
  { name: 'platform-id', type: 'string', description: '', required: true },
];

describe('splitCommand', () => {
  it('finds the command after options and their values', () => {
    expect(
      splitCommand(['--transport', 'post', '--json', 'chats', '--platform', 'whatsapp'], OPTIONS),
    ).toEqual({
      name: 'chats',
      rest: ['--transport', 'post', '--json', '--platform', 'whatsapp'],
    });
  });

  it('answers no command when there are only options', () => {
    expect(splitCommand(['--json', '-h'], OPTIONS).name).toBeUndefined();
  });
});

describe('parseCommandOptions', () => {
  it('reads string options, switches and --name=value', () => {
    expect(
      parseCommandOptions(
        ['--platform=whatsapp', '--platform-id', '100', '--json'],
        OPTIONS,
        'chats',
      ),
    ).toEqual({
      platform: 'whatsapp',
      'platform-id': '100',
      json: true,
    });
  });

  it('names every missing required option at once', () => {
    expect(() => parseCommandOptions(['--json'], OPTIONS, 'chats')).toThrow(
      new CliUsageError("'chats' needs --platform, --platform-id", 'chats'),
    );
  });

  it('skips the required check for --help', () => {
    expect(parseCommandOptions(['-h'], OPTIONS, 'chats')).toEqual({ help: true });
  });

  it('refuses an unknown option, a missing value, a valued switch and a stray argument', () => {
    const messageOf = (args: string[]) => {
      try {
        parseCommandOptions(args, OPTIONS, 'chats');
      } catch (error) {
        expect(error).toBeInstanceOf(CliUsageError);
        return (error as CliUsageError).message;
      }
      return 'no error';
    };
    expect(messageOf(['--nope'])).toBe("unknown option --nope for 'chats'");
    expect(messageOf(['--platform'])).toBe('option --platform <value> needs a value');
    expect(messageOf(['--json=yes'])).toBe('option --json is a switch and takes no value');
    expect(messageOf(['--platform', 'whatsapp', '--platform-id', '1', 'extra'])).toMatch(
      /^unexpected argument "extra" for 'chats'/,
    );
  });
});
