/**
 * `@afilnet-chat/cli`: the `afilnet-chat` command, runnable in-process for tests and embedding.
 */
export { runCli } from './run-cli.js';
export { processIo, type CliIo } from './cli-io.js';
export { EXIT_CODES, type ExitCode } from './exit-codes.js';
export { runDemo, type DemoCell, type DemoRow } from './run-demo.js';
