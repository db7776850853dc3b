/**
 * The `afilnet-chat` commands that keep running or start their own sandbox: `watch` (replies
 * injected while it runs, SIGINT, --count, backoff through a failing server), `sandbox` (URL and
 * credentials, --allowed-host, SIGINT and SIGTERM) and `demo`. Each runs the built binary as a child process.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { CHAT_METHODS, TRANSPORT_NAMES } from '@afilnet-chat/core/constants';
import { startSandbox } from '@afilnet-chat/sandbox';
import {
  CLI_ACCOUNT,
  accountEnv,
  builtTransports,
  injectWhatsapp,
  runCli,
  startCli,
  whatsappArgs,
} from './support/cli-process.js';
import { rawRequest } from './support/raw-request.js';
import { useSandbox } from './support/sandbox-fixture.js';

const TRANSPORTS = builtTransports();
const fixture = useSandbox({ accounts: [CLI_ACCOUNT] });

const envFor = (transport: string, baseUrl = fixture.sandbox.url) => accountEnv(baseUrl, transport);

let nextDestination = 0;
function conversation(): { destination: string; args: string[] } {
  nextDestination += 1;
  const destination = `3462${String(nextDestination).padStart(7, '0')}`;
  return { destination, args: whatsappArgs(destination) };
}

function inject(destination: string, message: string): void {
  injectWhatsapp(fixture.sandbox, destination, message);
}

describe.concurrent('watch', { timeout: 180_000 }, () => {
  it.each(TRANSPORTS)(
    'prints replies as they arrive and stops cleanly on SIGINT (%s)',
    async (transport) => {
      const { destination, args } = conversation();
      inject(destination, 'already waiting');
      const watch = startCli(['watch', ...args, '--interval', '50'], { env: envFor(transport) });
      await watch.waitFor('stderr', /Watching whatsapp 100 \/ \d+ every 50 ms; Ctrl-C to stop/);
      await watch.waitFor('stdout', 'already waiting');
      inject(destination, 'new \u001b]0;title\u0007 reply');
      await watch.waitFor('stdout', 'new \\u001b]0;title\\u0007 reply');
      watch.child.kill('SIGINT');
      const { code, signal, stdout } = await watch.done;
      expect(signal).toBeNull();
      expect(code).toBe(0);
      const lines = stdout.trimEnd().split('\n');
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatch(
        new RegExp(
          `^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d  ${destination}  in  #\\S+  already waiting$`,
        ),
      );
      expect(stdout).not.toContain('\u001b');
    },
  );

  it('--json --count prints one JSON object per message and exits 0 after the poll that reached the count', async () => {
    const { destination, args } = conversation();
    const watch = startCli(['watch', ...args, '--interval', '50', '--json', '--count', '2'], {
      env: envFor('post'),
    });
    // The first poll finds nothing; then three replies arrive together and all three are printed.
    inject(destination, 'placeholder');
    await watch.waitFor('stdout', 'placeholder');
    for (const text of ['one', 'two', 'three']) inject(destination, text);
    const { code, stdout, stderr } = await watch.done;
    expect(code).toBe(0);
    expect(stderr).toBe('');
    const messages = stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(messages.map((m) => m.message)).toEqual(['placeholder', 'one', 'two', 'three']);
    expect(messages[1]).toEqual({
      platformId: '100',
      platform: 'whatsapp',
      destination,
      messageId: expect.any(String),
      message: 'one',
      sent: false,
      status: expect.any(String),
      datetime: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/),
    });
    expect(
      await runCli(['unread', ...args, '--json'], { env: envFor('post') }).then((r) =>
        JSON.parse(r.stdout),
      ),
    ).toEqual([]);
  });

  it('rides out a failing server with growing pauses, reported on stderr, then delivers', async () => {
    // Its own sandbox, so that its outage (a chaos rule) hits no other watch running meanwhile.
    const failing = await startSandbox({ accounts: [CLI_ACCOUNT] });
    try {
      const { destination, args } = conversation();
      injectWhatsapp(failing, destination, 'after the outage');
      failing.chaos([{ method: 'getunreadmessages', times: 9, fault: { status: 503 } }]);
      const { code, stdout, stderr } = await runCli(
        ['watch', ...args, '--interval', '40', '--count', '1'],
        { env: envFor('post', failing.url) },
      );
      expect(code).toBe(0);
      expect(stdout).toContain('after the outage');
      // The client retries each poll a few times itself; the watch's pauses come on top, doubling.
      const delays = stderr
        .split('\n')
        .filter((l) => l.startsWith('afilnet-chat: warning HTTP_STATUS'))
        .map((l) => Number(/retrying in (\d+) ms$/.exec(l)?.[1]));
      expect(delays.length).toBeGreaterThanOrEqual(2);
      expect(delays).toEqual(delays.map((_d, i) => 40 * 2 ** i));
      expect(failing.requests({ method: 'getunreadmessages' }).map((r) => r.status)).toEqual([
        ...Array<number>(9).fill(503),
        200,
      ]);
    } finally {
      await failing.close();
    }
  });

  it('ends with exit 3 when the conversation does not exist', async () => {
    const { args } = conversation();
    const { code, stderr } = await runCli(['watch', ...args, '--interval', '50'], {
      env: envFor('post'),
    });
    expect(code).toBe(3);
    expect(stderr).toMatch(/^afilnet-chat: error CHAT_NOT_FOUND: .+ — send a message first/m);
  });
});

describe.concurrent('sandbox', { timeout: 180_000 }, () => {
  it('--json prints its URL and the demo account on one line, serves the API, and stops on SIGTERM', async () => {
    const running = startCli(['sandbox', '--json', '--port', '0']);
    await running.waitFor('stdout', '\n');
    const facts = JSON.parse(running.output().stdout) as {
      url: string;
      port: number;
      user: string;
      password: string;
      channels: unknown[];
    };
    expect(facts).toMatchObject({
      host: '127.0.0.1',
      user: 'demo@example.com',
      password: 'demo-password',
    });
    expect(facts.url).toBe(`http://127.0.0.1:${facts.port}`);
    expect(facts).toMatchObject({ inbox: `${facts.url}/` });
    const inbox = await fetch(`${facts.url}/`);
    expect([inbox.status, inbox.headers.get('content-security-policy')]).toEqual([
      200,
      "default-src 'self'",
    ]);
    await inbox.body?.cancel();
    expect(facts.channels).toHaveLength(4);

    const env = {
      AFILNET_TRANSPORT: 'post',
      AFILNET_BASE_URL: facts.url,
      AFILNET_ALLOW_INSECURE_HTTP: '1',
      AFILNET_USER: facts.user,
      AFILNET_PASSWORD: facts.password,
    };
    const channels = await runCli(['channels', '--json'], { env });
    expect(channels.code).toBe(0);
    expect(JSON.parse(channels.stdout)).toEqual(facts.channels);

    running.child.kill('SIGTERM');
    const { code, signal, stdout, stderr } = await running.done;
    expect([code, signal]).toEqual([0, null]);
    expect(stdout.trimEnd().split('\n').slice(1)).toEqual(['{"stopped":true}']);
    expect(stderr).toBe('');
    await expect(fetch(`${facts.url}/api/http/`)).rejects.toThrow();
  });

  it('prints the URL, the demo credentials and how to use them, and stops on SIGINT', async () => {
    const running = startCli(['sandbox']);
    await running.waitFor('stdout', 'Press Ctrl-C to stop.');
    const { stdout } = running.output();
    const url = /^Afilnet sandbox listening on (http:\/\/127\.0\.0\.1:\d+)$/m.exec(stdout)?.[1];
    expect(url).toBeDefined();
    expect(stdout).toContain(`Inbox: ${url}/ (open it in a browser`);
    expect(stdout).toContain('Demo account: demo@example.com / demo-password');
    expect(stdout).toContain('Channels: whatsapp 100, telegram 200, webchat 300, operator 400');
    expect(stdout).toContain(`export AFILNET_BASE_URL=${url} AFILNET_ALLOW_INSECURE_HTTP=1`);
    const injected = await fetch(`${url}/__sandbox/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        user: 'demo@example.com',
        platform: 'whatsapp',
        platformId: '100',
        destination: '34600000000',
        message: 'Hi!',
      }),
    });
    expect(injected.status).toBe(201);
    running.child.kill('SIGINT');
    const { code, signal, stderr } = await running.done;
    expect([code, signal]).toEqual([0, null]);
    expect(stderr).toBe('Sandbox stopped.\n');
  });
});

describe.concurrent('sandbox --allowed-host', { timeout: 180_000 }, () => {
  it('answers under the names given, and under no other', async () => {
    const running = startCli([
      'sandbox',
      '--json',
      '--port',
      '0',
      '--allowed-host',
      'sandbox.test, other.test',
    ]);
    try {
      await running.waitFor('stdout', '\n');
      const { url, port } = JSON.parse(running.output().stdout) as { url: string; port: number };
      const channels = `/api/http/?class=chat&method=getchatchannels&user=demo%40example.com&password=demo-password`;
      for (const host of ['sandbox.test', 'other.test', 'localhost']) {
        const answer = await rawRequest(`${url}${channels}`, 'GET', { host: `${host}:${port}` });
        expect([answer.status, answer.body], host).toEqual([
          200,
          expect.stringContaining('Demo WhatsApp'),
        ]);
      }
      const refused = await rawRequest(`${url}${channels}`, 'GET', {
        host: `evil.example:${port}`,
      });
      expect([refused.status, refused.body]).toEqual([
        403,
        expect.not.stringContaining('Demo WhatsApp'),
      ]);
    } finally {
      running.child.kill('SIGTERM');
      await running.done;
    }
  });

  it('exits 2 naming a name that is not a host name', async () => {
    const { code, stdout, stderr } = await runCli([
      'sandbox',
      '--allowed-host',
      'sandbox.test,sandbox.test:8080',
    ]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('--allowed-host: name 2 must be a host name');
  });
});

describe('sandbox on a busy port', { timeout: 60_000 }, () => {
  it('exits 2 with a message naming the port, not as an internal error', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', () => resolve()));
    const { port } = taken.address() as AddressInfo;
    try {
      const { code, stdout, stderr } = await runCli(['sandbox', '--port', String(port)]);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toContain(`port ${port}`);
      expect(stderr).toContain('already in use');
      expect(stderr).not.toContain('INTERNAL');
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });
});

describe.concurrent('demo', { timeout: 180_000 }, () => {
  it('--json: every built transport passes every method, the others show as not installed, exit 0', async () => {
    const { code, stdout } = await runCli(['demo', '--json']);
    const rows = JSON.parse(stdout) as Array<{
      transport: string;
      security: string;
      cells: Array<{ method: string; outcome: string; detail: string; ms?: number }>;
    }>;
    expect(rows.map((r) => r.transport)).toEqual([...TRANSPORT_NAMES]);
    for (const row of rows) {
      expect(row.cells.map((c) => c.method)).toEqual(Object.keys(CHAT_METHODS));
      const expected = TRANSPORTS.includes(row.transport as (typeof TRANSPORTS)[number])
        ? 'ok'
        : 'not-installed';
      for (const cell of row.cells) {
        expect({
          transport: row.transport,
          method: cell.method,
          outcome: cell.outcome,
          detail: cell.detail,
        }).toEqual({
          transport: row.transport,
          method: cell.method,
          outcome: expected,
          detail: expect.any(String),
        });
        if (expected === 'ok') expect(cell.ms).toBeGreaterThan(0);
      }
    }
    expect(rows.find((r) => r.transport === 'get')?.cells.map((c) => c.detail)).toEqual([
      '4 channels',
      'sent',
      'sent',
      '1 chat',
      '2 messages',
      '1 unread',
    ]);
    expect(code).toBe(0);
  });

  it('prints the table transport × method with result and latency', async () => {
    const { code, stdout } = await runCli(['demo']);
    expect(code).toBe(0);
    const [heading, , ...rows] = stdout.split('\n');
    expect(heading?.split(/\s{2,}/)).toEqual(['TRANSPORT', ...Object.keys(CHAT_METHODS)]);
    for (const transport of TRANSPORTS) {
      expect(rows.find((r) => r.startsWith(`${transport} (`))).toMatch(
        /^\S+ \([a-z-]+\)\s+✓ 4 channels \d+\.\d ms\s+✓ sent \d+\.\d ms/,
      );
    }
    expect(stdout).toContain(`${TRANSPORTS.length} of 5 transports passed every method.`);
    expect(stdout).toContain('run `afilnet-chat sandbox` and open the inbox URL it prints');
  });
});
