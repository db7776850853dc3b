/**
 * The `afilnet-chat` executable: runs the program on the real process. Process warnings (the
 * GET transport's credentials-in-URL warning) are shown as one line in the CLI's own style.
 */
import { processIo } from './cli-io.js';
import { printableLines, printableText } from './printable-text.js';
import { runCli } from './run-cli.js';

const json = process.argv.includes('--json');
// The demo walks every transport against a local sandbox with the public demo password: the get
// transport's credentials-in-URL warning is for a user who chose get, and here nobody did.
const demo = process.argv.slice(2).find((arg) => !arg.startsWith('-')) === 'demo';
process.removeAllListeners('warning');
process.on('warning', (warning: Error & { code?: string }) => {
  const code = warning.code ?? warning.name;
  if (demo && code === 'AFILNET_CREDENTIALS_IN_URL') return;
  // Any module may emit a warning: it is printed through the same filter as everything else.
  process.stderr.write(
    printableLines(
      json
        ? `${JSON.stringify({ warning: { code, message: warning.message } })}\n`
        : `afilnet-chat: warning ${printableText(code)}: ${printableText(warning.message)}\n`,
    ),
  );
});

const code = await runCli(process.argv.slice(2), processIo());

// undici keeps a timer for up to a second after its pool is closed; a command that is done has
// nothing left to wait for, so it exits once its output is flushed rather than idling.
const flushed = (stream: NodeJS.WriteStream) =>
  new Promise<void>((resolve) => stream.write('', () => resolve()));
await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
process.exit(code);
