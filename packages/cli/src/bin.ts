/**
 * The `afilnet-chat` executable: runs the program on the real process. Process warnings (the
 * GET transport's credentials-in-URL warning) are shown as one line in the CLI's own style.
 */
import { processIo } from './cli-io.js';
import { runCli } from './run-cli.js';

const json = process.argv.includes('--json');
process.removeAllListeners('warning');
process.on('warning', (warning: Error & { code?: string }) => {
  const code = warning.code ?? warning.name;
  process.stderr.write(
    json ? `${JSON.stringify({ warning: { code, message: warning.message } })}\n` : `afilnet-chat: warning ${code}: ${warning.message}\n`,
  );
});

process.exitCode = await runCli(process.argv.slice(2), processIo());
