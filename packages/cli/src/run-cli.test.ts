import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { CliIo } from './cli-io.js';
import { COMMANDS } from './command-registry.js';
import { EXIT_CODES } from './exit-codes.js';
import { runCli } from './run-cli.js';

function capture(env: Record<string, string> = {}) {
  const out = { stdout: '', stderr: '' };
  const io: CliIo = {
    env,
    stdin: Object.assign(Readable.from([]), { isTTY: false }),
    write: (text) => {
      out.stdout += text;
    },
    writeError: (text) => {
      out.stderr += text;
    },
    stopSignal: () => AbortSignal.abort(),
  };
  return { io, out };
}

describe('runCli in-process', () => {
  it.each(COMMANDS.map((c) => c.name))(
    '%s --help lists its options, the exit codes and examples',
    async (name) => {
      const command = COMMANDS.find((c) => c.name === name);
      const { io, out } = capture();
      expect(await runCli([name, '--help'], io)).toBe(EXIT_CODES.OK);
      expect(out.stderr).toBe('');
      expect(out.stdout).toMatch(new RegExp(`^Usage: afilnet-chat ${name}`));
      for (const option of command?.options ?? []) expect(out.stdout).toContain(`--${option.name}`);
      expect(out.stdout.includes('--transport <name>')).toBe(command?.callsApi);
      expect(out.stdout).toContain('Exit codes:');
      expect(out.stdout).toContain(`  afilnet-chat ${name}`);
    },
  );

  it('help <command> prints the same text as <command> --help', async () => {
    const a = capture();
    const b = capture();
    await runCli(['help', 'watch'], a.io);
    await runCli(['watch', '--help'], b.io);
    expect(a.out.stdout).toBe(b.out.stdout);
  });

  it('reports an unknown command as a usage error, as JSON with --json', async () => {
    const { io, out } = capture();
    expect(await runCli(['--json', 'nope'], io)).toBe(EXIT_CODES.USAGE);
    expect(JSON.parse(out.stderr)).toEqual({
      error: {
        name: 'CliUsageError',
        code: 'USAGE',
        message: expect.stringContaining("unknown command 'nope'"),
        hint: "see 'afilnet-chat --help'",
      },
    });
  });

  it('refuses the connection options on commands that do not call the API', async () => {
    const { io, out } = capture();
    expect(await runCli(['demo', '--transport', 'post'], io)).toBe(EXIT_CODES.USAGE);
    expect(out.stderr).toContain("unknown option --transport for 'demo'");
  });

  it('keeps secrets out of what it prints, even from an error it did not write', async () => {
    const { io, out } = capture({
      AFILNET_TRANSPORT: 'post',
      AFILNET_BASE_URL: 'https://user:leaked-password@127.0.0.1:1',
      AFILNET_USER: 'u@example.com',
      AFILNET_PASSWORD: 'leaked-password',
    });
    const code = await runCli(['channels', '--timeout', '2000', '--debug'], io);
    expect(code).not.toBe(EXIT_CODES.OK);
    expect(out.stderr).toMatch(/afilnet-chat: error /);
    expect(out.stderr + out.stdout).not.toContain('leaked-password');
  });
});
