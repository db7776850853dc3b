/** `afilnet-chat sandbox`: runs the local API emulator in the foreground. */
import type { SandboxAccount } from '@afilnet-chat/sandbox';
import { CliUsageError } from '../cli-usage-error.js';
import type { Command } from '../command.js';
import { EXIT_CODES } from '../exit-codes.js';
import { parseIntegerOption } from '../parse-integer-option.js';

function instructions(url: string, account: SandboxAccount): string {
  const channels = account.channels.map((c) => `${c.platform} ${c.platformId}`).join(', ');
  const inbound = JSON.stringify({
    user: account.user,
    platform: 'whatsapp',
    platformId: '100',
    destination: '34600000000',
    message: 'Hi!',
  });
  return [
    `Afilnet sandbox listening on ${url}`,
    `Inbox: ${url}/ (open it in a browser to watch messages and API calls live, and to reply as a contact)`,
    `Demo account: ${account.user} / ${account.password}`,
    `Channels: ${channels}`,
    '',
    'In another shell:',
    `  export AFILNET_BASE_URL=${url} AFILNET_ALLOW_INSECURE_HTTP=1 AFILNET_TRANSPORT=post`,
    `  export AFILNET_USER=${account.user} AFILNET_PASSWORD=${account.password}`,
    // npx finds the command in a local install too, where a bare `afilnet-chat` is not on PATH.
    '  npx afilnet-chat channels',
    'Write to the account as a contact would:',
    `  curl -X POST ${url}/__sandbox/inbound -H 'content-type: application/json' -d '${inbound}'`,
    '',
    'Press Ctrl-C to stop.',
    '',
  ].join('\n');
}

/** Reasons a server cannot listen that are the user's configuration, not a bug (exit 2). */
const LISTEN_PROBLEMS: Readonly<Record<string, string>> = {
  EADDRINUSE: 'is already in use; choose another --port, or leave it out for a free one',
  EACCES: 'needs privileges this user does not have; choose a --port above 1023',
  EADDRNOTAVAIL: 'is not an address of this machine; check --host',
};

/** A failure to listen on `host:port` as a usage error naming them, or `error` itself. */
function listenFailure(error: unknown, host: string, port: number): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  const problem = typeof code === 'string' ? LISTEN_PROBLEMS[code] : undefined;
  return problem === undefined
    ? error
    : new CliUsageError(
        `The sandbox cannot listen on ${host}:${port}: the port ${port} ${problem} (${code as string})`,
        'sandbox',
      );
}

/** Runs the sandbox. */
export const sandboxCommand: Command = {
  name: 'sandbox',
  summary: 'Run the local sandbox (the whole API, all flavours) until Ctrl-C',
  description:
    'Starts the sandbox, a local emulator of the Web Chat API in every flavour, and prints its URL, the URL of its web ' +
    'inbox (every conversation and API call, live, with "Reply as contact") and the demo account (public test ' +
    'credentials, not a secret). With --json it prints one JSON line with the same facts, and {"stopped":true} once stopped. A --host other than loopback ' +
    'is warned about: the inbox and control API would be reachable from other machines. Every route answers only ' +
    'requests addressed to a loopback name, the bound address or a name given with --allowed-host (such as a ' +
    "container's name), so that a web page cannot reach it through DNS rebinding. Stops cleanly, exit code 0, " +
    'on SIGINT (Ctrl-C) or SIGTERM.',
  callsApi: false,
  options: [
    {
      name: 'port',
      type: 'string',
      valueName: '<port>',
      description: 'The port to listen on (default: a free port chosen by the system)',
    },
    {
      name: 'host',
      type: 'string',
      valueName: '<address>',
      description: 'The address to listen on (default 127.0.0.1; keep it on loopback)',
    },
    {
      name: 'allowed-host',
      type: 'string',
      valueName: '<names>',
      description:
        'Host names to answer besides loopback names and the bound address, comma-separated (e.g. a container name)',
    },
  ],
  examples: [
    'afilnet-chat sandbox --port 8080',
    'afilnet-chat sandbox --json',
    'afilnet-chat sandbox --host 0.0.0.0 --allowed-host sandbox',
  ],
  async run(context) {
    const port = parseIntegerOption('port', context.text('port'), 0, 0, 65_535);
    const stopped = context.io.stopSignal();
    // Loaded here: every other command starts faster without the sandbox.
    const { DEMO_ACCOUNT, startSandbox } = await import('@afilnet-chat/sandbox');
    const host = context.text('host') ?? '127.0.0.1';
    const allowedHosts = (context.text('allowed-host') ?? '')
      .split(',')
      .map((name) => name.trim())
      .filter((name) => name !== '');
    const sandbox = await startSandbox({ port, host, allowedHosts }).catch((error: unknown) => {
      // startSandbox names the entry it refuses: allowedHosts[i] is the i-th name of --allowed-host.
      if (error instanceof TypeError)
        throw new CliUsageError(
          `--allowed-host: ${error.message.replace(/^allowedHosts\[(\d+)\]/, (_all, i: string) => `name ${Number(i) + 1}`)}`,
          'sandbox',
        );
      throw listenFailure(error, host, port);
    });
    try {
      const facts = {
        url: sandbox.url,
        inbox: `${sandbox.url}/`,
        host: sandbox.host,
        port: sandbox.port,
        user: DEMO_ACCOUNT.user,
        password: DEMO_ACCOUNT.password,
        channels: DEMO_ACCOUNT.channels,
      };
      context.print(facts, () => instructions(sandbox.url, DEMO_ACCOUNT));
      if (!stopped.aborted)
        await new Promise((resolve) => stopped.addEventListener('abort', resolve, { once: true }));
    } finally {
      await sandbox.close();
    }
    // A reader of --json lines learns that the sandbox is gone, as a person reading stderr does.
    if (context.json) context.io.write(`${JSON.stringify({ stopped: true })}\n`);
    else context.io.writeError('Sandbox stopped.\n');
    return EXIT_CODES.OK;
  },
};
