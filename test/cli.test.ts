/**
 * The `afilnet-chat` binary end to end: a child process against the sandbox over real sockets.
 * Every subcommand that calls the API runs over every built transport, `--json` output is parsed
 * and checked, exit codes are asserted, and every run's stdout and stderr are searched for the
 * account's secrets (see `support/cli-process.ts`). Needs `pnpm build` (done by `pnpm test`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AfilnetApiError, ApiErrorCode } from '@afilnet-chat/core';
import { clientFor } from './support/case-client.js';
import {
  CLI_ACCOUNT,
  SECRET,
  WRONG_SECRET,
  accountEnv,
  builtTransports,
  injectWhatsapp,
  runCli,
  startCli,
  whatsappArgs,
  type CliResult,
} from './support/cli-process.js';
import {
  answer,
  startMisbehavingServer,
  type MisbehavingServer,
} from './support/misbehaving-server.js';
import { useSandbox } from './support/sandbox-fixture.js';
import { TRANSPORT_CASES } from './support/transport-cases.js';
import { CONTENT_TYPE, errorBody, soapFault } from './support/wire-bodies.js';

const EXIT = { OK: 0, USAGE: 2, API: 3, TRANSPORT: 4 } as const;
const TRANSPORTS = builtTransports();

const fixture = useSandbox({ accounts: [CLI_ACCOUNT] });

/** The environment of a user of the test account on `transport`. */
const envFor = (transport: string, extra: Record<string, string> = {}) =>
  accountEnv(fixture.sandbox.url, transport, extra);

/** One line on stderr with the code and a hint, and no stack trace. */
function expectOneLineError(stderr: string, code: string): void {
  const lines = stderr
    .trimEnd()
    .split('\n')
    .filter((l) => !l.startsWith('afilnet-chat: warning'));
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(new RegExp(`^afilnet-chat: error ${code}: .+ — .+`));
  expect(stderr).not.toMatch(/\n\s+at /);
}

const COMMAND_NAMES = [
  'channels',
  'send',
  'send-file',
  'chats',
  'messages',
  'unread',
  'watch',
  'sandbox',
  'demo',
];

describe.concurrent('help', { timeout: 180_000 }, () => {
  it('lists every command and exit code', async () => {
    const { code, stdout } = await runCli(['--help']);
    expect(code).toBe(EXIT.OK);
    for (const name of COMMAND_NAMES) expect(stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
    expect(stdout).toContain('3 API error');
  });

  it('<command> --help shows its usage and exits 0 (every command: see run-cli.test.ts)', async () => {
    const { code, stdout, stderr } = await runCli(['send-file', '-h']);
    expect(code).toBe(EXIT.OK);
    expect(stderr).toBe('');
    expect(stdout).toMatch(/^Usage: afilnet-chat send-file/);
    expect(stdout).toContain('--file-url <url>');
  });

  it('without a command prints the help on stderr and exits 2', async () => {
    const { code, stdout, stderr } = await runCli([]);
    expect(code).toBe(EXIT.USAGE);
    expect(stdout).toBe('');
    expect(stderr).toContain('Usage: afilnet-chat <command>');
  });
});

describe.concurrent.each(TRANSPORTS)(
  'every API command over %s',
  { timeout: 180_000 },
  (transport) => {
    const destination = `3460${String(TRANSPORTS.indexOf(transport)).padStart(7, '0')}`;
    const conversation = whatsappArgs(destination);

    it('channels: a table, and the same channels as JSON', async () => {
      const [table, json] = await Promise.all([
        runCli(['channels'], { env: envFor(transport) }),
        runCli(['channels', '--json'], { env: envFor(transport) }),
      ]);
      expect(table.code).toBe(EXIT.OK);
      expect(table.stdout).toMatch(/^PLATFORM\s+PLATFORM ID\s+NAME\n─+/);
      expect(table.stdout).toMatch(/^whatsapp\s+100\s+CLI WhatsApp$/m);
      expect(json.code).toBe(EXIT.OK);
      expect(JSON.parse(json.stdout)).toEqual(CLI_ACCOUNT.channels);
    });

    it('send, send-file, chats, messages and unread walk a conversation', async () => {
      const env = envFor(transport);
      const sent = await runCli(
        ['send', ...conversation, '--message', `Hello over ${transport} & co`, '--json'],
        { env },
      );
      expect(sent.code).toBe(EXIT.OK);
      expect(JSON.parse(sent.stdout)).toEqual({
        sent: true,
        platform: 'whatsapp',
        platformId: '100',
        destination,
      });

      const file = await runCli(
        [
          'send-file',
          ...conversation,
          '--type',
          'image',
          '--file-url',
          'https://example.com/cat.jpg',
          '--thumb-url',
          'https://example.com/t.jpg',
          '--message',
          'A cat',
        ],
        { env },
      );
      expect(file.code).toBe(EXIT.OK);
      expect(file.stdout).toBe(`Sent the file to ${destination} on whatsapp 100.\n`);

      const chats = await runCli(['chats', '--platform', 'whatsapp', '--platform-id', '100'], {
        env,
      });
      expect(chats.code).toBe(EXIT.OK);
      expect(chats.stdout).toMatch(new RegExp(`\\s${destination}\\s+out\\s+.*A cat$`, 'm'));

      const messages = await runCli(['messages', ...conversation, '--json'], { env });
      expect(messages.code).toBe(EXIT.OK);
      const list = JSON.parse(messages.stdout) as Array<Record<string, unknown>>;
      expect(list.map((m) => m.message)).toEqual([`Hello over ${transport} & co`, 'A cat']);
      expect(Object.keys(list[0] ?? {}).sort()).toEqual([
        'datetime',
        'destination',
        'message',
        'messageId',
        'platform',
        'platformId',
        'sent',
        'status',
      ]);

      injectWhatsapp(fixture.sandbox, destination, 'Reply \u001b[31mred');
      const unread = await runCli(['unread', ...conversation, '--json'], { env });
      expect(unread.code).toBe(EXIT.OK);
      expect(JSON.parse(unread.stdout)).toEqual([
        expect.objectContaining({ message: 'Reply \u001b[31mred', sent: false, destination }),
      ]);

      injectWhatsapp(fixture.sandbox, destination, 'Again \u001b[2J');
      const table = await runCli(['unread', ...conversation], { env });
      expect(table.code).toBe(EXIT.OK);
      expect(table.stdout).toMatch(/^DATETIME\s+DESTINATION\s+DIR\s+STATUS\s+ID\s+MESSAGE\n─+/);
      expect(table.stdout).toMatch(
        new RegExp(
          `^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\s+${destination}\\s+in\\s+.*Again \\\\u001b\\[2J$`,
          'm',
        ),
      );
      expect(table.stdout).not.toContain('\u001b');
    });

    it('reads the password from stdin when asked, and refuses a wrong one with exit 3', async () => {
      const env = envFor(transport, { AFILNET_PASSWORD: '' });
      const good = await runCli(['channels', '--password-stdin', '--json'], {
        env,
        stdin: `${SECRET}\n`,
      });
      expect(good.code).toBe(EXIT.OK);
      expect(JSON.parse(good.stdout)).toHaveLength(CLI_ACCOUNT.channels.length);

      const bad = await runCli(['channels', '--password-stdin'], {
        env,
        stdin: `${WRONG_SECRET}\n`,
      });
      expect(bad.stdout).toBe('');
      // Every transport alike, json-oauth included.
      expect(bad.code).toBe(EXIT.API);
      expectOneLineError(bad.stderr, 'INCORRECT_USER_PASSWORD');
      expect(bad.stderr).not.toContain('AFILNET_CLIENT_ID');
    });

    it('reports an API error as one line, exit 3 (on post: --debug adds the stack, --json makes it JSON)', async () => {
      const args = ['chats', '--platform', 'whatsapp', '--platform-id', '999'];
      const plain = await runCli(args, { env: envFor(transport) });
      expect(plain.code).toBe(EXIT.API);
      expectOneLineError(plain.stderr, 'CHANNEL_NOT_FOUND');
      expect(plain.stderr).toContain("'afilnet-chat channels'");
      // How an error is shown does not depend on the transport: the variants run once.
      if (transport !== 'post') return;
      const [debug, json] = await Promise.all([
        runCli([...args, '--debug'], { env: envFor(transport) }),
        runCli([...args, '--json'], { env: envFor(transport) }),
      ]);
      expect(debug.code).toBe(EXIT.API);
      expect(debug.stderr).toMatch(/AfilnetApiError[^\n]*\n\s+at /);
      expect(json.code).toBe(EXIT.API);
      expect(json.stdout).toBe('');
      const error = (
        JSON.parse(json.stderr.trim().split('\n').at(-1) ?? '') as {
          error: Record<string, unknown>;
        }
      ).error;
      expect(error).toMatchObject({
        name: 'AfilnetApiError',
        code: 'CHANNEL_NOT_FOUND',
        hint: expect.stringContaining('channels'),
      });
    });
  },
);

describe.concurrent('errors and exit codes', { timeout: 180_000 }, () => {
  let base: Record<string, string> = {};
  beforeAll(() => {
    base = envFor('post');
  });

  it('a missing transport is exit 2, listing the five with their ratings', async () => {
    const { code, stderr } = await runCli(['channels'], {
      env: { ...base, AFILNET_TRANSPORT: '' },
    });
    expect(code).toBe(EXIT.USAGE);
    expectOneLineError(stderr, 'INVALID_CONFIG');
    for (const name of [
      "'get' (low)",
      "'post' (medium)",
      "'basic' (medium)",
      "'soap' (medium-high)",
      "'json-oauth' (high)",
    ]) {
      expect(stderr).toContain(name);
    }
    expect(stderr).toContain('--transport');
  });

  it('missing credentials are exit 2 and point at the variables and --password-stdin', async () => {
    const { code, stderr } = await runCli(['channels'], {
      env: { ...base, AFILNET_USER: '', AFILNET_PASSWORD: '' },
    });
    expect(code).toBe(EXIT.USAGE);
    expectOneLineError(stderr, 'INVALID_CONFIG');
    expect(stderr).toContain('AFILNET_PASSWORD');
    expect(stderr).toContain('--password-stdin');
  });

  it('missing options, unknown options and commands, bad values are exit 2 with the command help named', async () => {
    const runs = await Promise.all([
      runCli(['send', '--platform', 'whatsapp'], { env: base }),
      runCli(['channels', '--colour'], { env: base }),
      runCli(['chanels'], { env: base }),
      runCli(['channels', '--timeout', 'soon'], { env: base }),
      runCli(['watch', ...whatsappArgs('1'), '--interval', '0'], { env: base }),
      runCli(['sandbox', '--port', '70000']),
      runCli(['chats', '--platform', 'whatsapp', '--platform-id', '100', 'extra'], { env: base }),
    ]);
    for (const run of runs) {
      expect(run.code).toBe(EXIT.USAGE);
      expectOneLineError(run.stderr, 'USAGE');
      expect(run.stdout).toBe('');
    }
    expect(runs[0]?.stderr).toContain("'send' needs --platform-id, --destination, --message");
    expect(runs[0]?.stderr).toContain("'afilnet-chat send --help'");
    expect(runs[1]?.stderr).toContain('unknown option --colour');
    expect(runs[2]?.stderr).toContain("unknown command 'chanels'");
  });

  it('input refused by core is exit 2 before anything is sent', async () => {
    const { code, stderr } = await runCli(
      ['chats', '--platform', 'myspace', '--platform-id', '100'],
      { env: base },
    );
    expect(code).toBe(EXIT.USAGE);
    expectOneLineError(stderr, 'INVALID_PARAMS');
    expect(stderr).toContain('platform');
  });

  it('an http:// URL without --allow-insecure-http, and a transport below --min-security, are exit 2', async () => {
    const [insecure, allowed, weak] = await Promise.all([
      runCli(['channels'], { env: { ...base, AFILNET_ALLOW_INSECURE_HTTP: '' } }),
      runCli(['channels', '--allow-insecure-http', '--json'], {
        env: { ...base, AFILNET_ALLOW_INSECURE_HTTP: '' },
      }),
      runCli(['channels', '--min-security', 'medium-high'], { env: base }),
    ]);
    expect(insecure.code).toBe(EXIT.USAGE);
    expectOneLineError(insecure.stderr, 'INSECURE_URL');
    expect(allowed.code).toBe(EXIT.OK);
    expect(weak.code).toBe(EXIT.USAGE);
    expectOneLineError(weak.stderr, 'SECURITY_BELOW_MINIMUM');
  });

  it('the options win over the environment', async () => {
    const { code, stderr } = await runCli(
      [
        'channels',
        '--transport',
        'get',
        '--base-url',
        'https://127.0.0.1:1',
        '--min-security',
        'medium',
      ],
      {
        env: base,
      },
    );
    expect(code).toBe(EXIT.USAGE);
    expectOneLineError(stderr, 'SECURITY_BELOW_MINIMUM');
    expect(stderr).toContain('get');
  });

  it('a server that fails is exit 4 with HTTP_STATUS', async () => {
    const { url } = await fixture.listen((req, res) => {
      req.resume();
      res.writeHead(502, { 'content-type': 'text/html' }).end('<h1>Bad Gateway</h1>');
    });
    const { code, stderr, stdout } = await runCli(['channels', '--base-url', url], { env: base });
    expect(code).toBe(EXIT.TRANSPORT);
    expect(stdout).toBe('');
    expectOneLineError(stderr, 'HTTP_STATUS');
  });

  it('a refused connection is exit 4 with NETWORK', async () => {
    const { url, server } = await fixture.listen(() => {});
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const { code, stderr } = await runCli(['channels', '--base-url', url], { env: base });
    expect(code).toBe(EXIT.TRANSPORT);
    expectOneLineError(stderr, 'NETWORK');
  });

  it('--timeout ends a stalled send with exit 4 TIMEOUT and warns it may have been sent', async () => {
    let held: Promise<number> | undefined;
    const { url } = await fixture.listen((req, res) => {
      const arrived = performance.now();
      held = new Promise((resolve) =>
        res.once('close', () => resolve(performance.now() - arrived)),
      );
      req.resume();
    });
    const { code, stderr } = await runCli(
      // Long enough for the request to reach the server on a busy machine (undici is imported by
      // the first request): a deadline that fires before that truthfully says nothing was sent.
      [
        'send',
        ...whatsappArgs('34600000000'),
        '--message',
        'hi',
        '--timeout',
        '2000',
        '--base-url',
        url,
      ],
      { env: base },
    );
    expect(code).toBe(EXIT.TRANSPORT);
    expectOneLineError(stderr, 'TIMEOUT');
    expect(held, 'the request reached the server').toBeDefined();
    expect(stderr).toContain('may have been sent');
    // The default deadline is 30 s: the client gave up on the held request after --timeout instead.
    expect(await held).toBeLessThan(10_000);
  });
});

describe.concurrent('text a server controls never reaches the terminal raw', {
  timeout: 180_000,
}, () => {
  /** Retitles the terminal (OSC 0 … BEL), clears the screen (CSI 2J), then C1 controls: CSI, NEL. */
  const ESCAPES = '\u001b]0;owned\u0007\u001b[2J\u009b31m\u0085';
  /** What XML 1.0 can carry of them (C0 controls other than tab and line ends are not XML characters). */
  const XML_ESCAPES = '\u009b2J\u0085\u007f';
  /** Any control character but the line feed, and the Unicode line and paragraph separators. */
  const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]/;

  const servers: MisbehavingServer[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.close()));
  });
  async function serve(
    status: number,
    contentType: string,
    body: string,
  ): Promise<MisbehavingServer> {
    const server = await startMisbehavingServer(answer(status, contentType, body));
    servers.push(server);
    return server;
  }

  function expectPrintable(...runs: CliResult[]): void {
    for (const run of runs) {
      expect(run.stdout).not.toMatch(CONTROL);
      expect(run.stderr).not.toMatch(CONTROL);
    }
  }

  /** The `{ error }` document `--json` prints last on stderr. */
  const jsonError = (run: CliResult) =>
    (JSON.parse(run.stderr.trim().split('\n').at(-1) ?? '') as { error: Record<string, unknown> })
      .error;

  it.each(TRANSPORTS)(
    'an error code with escape sequences is UNKNOWN_CODE in core and printable in the CLI (%s)',
    async (transport) => {
      const row = TRANSPORT_CASES.find((c) => c.name === transport);
      if (row === undefined) throw new Error(`no transport case for ${transport}`);
      const code = row.bodyFormat === 'json' ? ESCAPES : XML_ESCAPES;
      const server = await serve(
        200,
        CONTENT_TYPE[row.bodyFormat],
        errorBody(row.bodyFormat, 'getchatchannels', code),
      );

      const client = clientFor(row, 'undici', server.url);
      const failure = await client.getChatChannels().then(
        () => undefined,
        (error: unknown) => error,
      );
      await client.close();
      expect(failure).toBeInstanceOf(AfilnetApiError);
      expect((failure as AfilnetApiError).code).toBe(ApiErrorCode.UNKNOWN_CODE);
      expect((failure as AfilnetApiError).message).not.toMatch(CONTROL);
      expect((failure as AfilnetApiError).message).toContain('\\u009b');

      const env = accountEnv(server.url, transport);
      const [plain, debug, json] = await Promise.all([
        runCli(['channels'], { env }),
        runCli(['channels', '--debug'], { env }),
        runCli(['channels', '--json'], { env }),
      ]);
      expectPrintable(plain, debug, json);
      for (const run of [plain, debug, json]) expect(run.code).toBe(EXIT.API);
      expectOneLineError(plain.stderr, 'UNKNOWN_CODE');
      expect(debug.stderr).toMatch(/AfilnetApiError[^\n]*\n\s+at /);
      expect(jsonError(json)).toMatchObject({ name: 'AfilnetApiError', code: 'UNKNOWN_CODE' });
    },
  );

  it('a SOAP faultcode and faultstring with C1 controls are printable, and --json keeps their value', async () => {
    const faultString = `Server error ${XML_ESCAPES} here`;
    const server = await serve(
      500,
      CONTENT_TYPE.xml,
      soapFault(faultString).replace('soapenv:Server', `soapenv:Server${XML_ESCAPES}`),
    );
    const env = accountEnv(server.url, 'soap');
    const [plain, debug, json] = await Promise.all([
      runCli(['channels'], { env }),
      runCli(['channels', '--debug'], { env }),
      runCli(['channels', '--json'], { env }),
    ]);
    expectPrintable(plain, debug, json);
    for (const run of [plain, debug, json]) expect(run.code).toBe(EXIT.TRANSPORT);
    expectOneLineError(plain.stderr, 'SOAP_FAULT');
    expect(plain.stderr).toContain('\\u009b2J\\u0085\\u007f');
    // Escaped the way JSON escapes: the document still says exactly what the server sent.
    expect(jsonError(json)).toMatchObject({
      code: 'SOAP_FAULT',
      faultCode: `soapenv:Server${XML_ESCAPES}`,
      faultString,
    });
  });

  it('a SOAP faultstring with ESC and BEL is printable', async () => {
    const server = await serve(500, CONTENT_TYPE.xml, soapFault(`Server error ${ESCAPES}`));
    const env = accountEnv(server.url, 'soap');
    const runs = await Promise.all([
      runCli(['channels'], { env }),
      runCli(['channels', '--debug'], { env }),
      runCli(['channels', '--json'], { env }),
    ]);
    expectPrintable(...runs);
    for (const run of runs) expect(run.code).toBe(EXIT.TRANSPORT);
  });

  it.each([[[]], [['--json']]])(
    'process warnings, whoever emits them, are printed printable (%j)',
    async (extra) => {
      // A module of the process emitting warnings with escape sequences. It is loaded before the
      // CLI, so it starts once the CLI has installed its warning listener (Node's own is there from
      // the start): until then Node itself would print them.
      const emit = `process.emitWarning(${JSON.stringify(`odd ${ESCAPES}`)}, { code: ${JSON.stringify(`ODD${XML_ESCAPES}`)} })`;
      const emitter =
        `let started = false; process.on('newListener', (event) => { if (event !== 'warning' || started) return; ` +
        `started = true; setImmediate(() => setInterval(() => ${emit}, 50).unref()); });`;
      const sandbox = startCli(['sandbox', ...extra], {
        env: { NODE_OPTIONS: `--import=data:text/javascript,${encodeURIComponent(emitter)}` },
      });
      await sandbox.waitFor('stderr', /warning/);
      // Its stop handlers are in place once it has printed its address.
      await sandbox.waitFor('stdout', '127.0.0.1');
      sandbox.child.kill('SIGINT');
      const run = await sandbox.done;
      expect(run.code).toBe(EXIT.OK);
      expectPrintable(run);
      if (extra.length > 0) {
        const warnings = run.stderr
          .trimEnd()
          .split('\n')
          .map((line) => JSON.parse(line) as { warning: { code: string; message: string } });
        expect(warnings[0]?.warning).toEqual({
          code: `ODD${XML_ESCAPES}`,
          message: `odd ${ESCAPES}`,
        });
      }
    },
  );

  it.each([[[]], [['--json']]])('watch prints its retry warnings printable (%j)', async (extra) => {
    const server = await serve(
      500,
      CONTENT_TYPE.xml,
      soapFault(`Server error ${XML_ESCAPES} ${ESCAPES}`),
    );
    const watch = startCli(
      ['watch', ...whatsappArgs('34600000000'), '--interval', '50', ...extra],
      {
        env: accountEnv(server.url, 'soap'),
      },
    );
    await watch.waitFor('stderr', /warning/);
    watch.child.kill('SIGINT');
    const run = await watch.done;
    expect(run.code).toBe(EXIT.OK);
    expectPrintable(run);
  });
});
