/**
 * What a newcomer meets in the first hour, beyond the examples: the sandbox's start-up text and
 * `--json` stop line, a demo that warns of nothing nobody chose, a bare `curl` reset, and an event
 * stream that says it replays its history on a first connection.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '@afilnet-chat/sandbox';
import { runCli, startCli } from './support/cli-process.js';
import { readEvents } from './support/event-stream.js';
import { rawRequest } from './support/raw-request.js';
import { DEMO } from './support/account.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => {
  await sandbox?.close();
});

const inbound = (message: string) =>
  ({
    user: DEMO.user,
    platform: 'whatsapp',
    platformId: '100',
    destination: '34611100000',
    message,
  }) as const;

describe('the sandbox command', { timeout: 60_000 }, () => {
  it('suggests a command that works in a local install: npx afilnet-chat', async () => {
    const running = startCli(['sandbox']);
    await running.waitFor('stdout', 'Press Ctrl-C to stop.');
    running.child.kill('SIGINT');
    const { stdout } = await running.done;
    expect(stdout).toMatch(/^ {2}npx afilnet-chat channels$/m);
    expect(stdout).not.toMatch(/^ {2}afilnet-chat /m);
  });

  it('--json ends with a "stopped" line once it has stopped', async () => {
    const running = startCli(['sandbox', '--json']);
    await running.waitFor('stdout', '\n');
    running.child.kill('SIGTERM');
    const { code, stdout } = await running.done;
    expect(code).toBe(0);
    const lines = stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toHaveProperty('url');
    expect(lines[1]).toEqual({ stopped: true });
  });
});

describe('the demo', { timeout: 120_000 }, () => {
  it('does not warn AFILNET_CREDENTIALS_IN_URL: the demo chose the get transport, the user did not', async () => {
    const { code, stdout, stderr } = await runCli(['demo']);
    expect(code).toBe(0);
    expect(stdout).toContain('get (low)');
    expect(stderr).not.toContain('AFILNET_CREDENTIALS_IN_URL');
  });

  it('a command on the get transport the user chose still warns', async () => {
    const env = {
      AFILNET_TRANSPORT: 'get',
      AFILNET_BASE_URL: sandbox.url,
      AFILNET_ALLOW_INSECURE_HTTP: '1',
      AFILNET_USER: DEMO.user,
      AFILNET_PASSWORD: DEMO.password,
    };
    const { code, stderr } = await runCli(['channels'], { env });
    expect(code).toBe(0);
    expect(stderr).toContain('AFILNET_CREDENTIALS_IN_URL');
  });
});

describe('the control API', () => {
  it('resets on a bare POST with no body, as `curl -X POST …/reset` sends it', async () => {
    sandbox.injectInbound(inbound('before the reset'));
    const answer = await rawRequest(`${sandbox.url}/__sandbox/reset`, 'POST');
    expect(answer.status).toBe(204);
    expect(sandbox.messages({ destination: '34611100000' })).toEqual([]);
  });

  it('still refuses an empty body without JSON from a web page (Origin or Sec-Fetch-Site), and changes nothing', async () => {
    sandbox.injectInbound(inbound('kept'));
    const fromPages: Record<string, string>[] = [
      { origin: 'https://evil.example' },
      { 'sec-fetch-site': 'cross-site' },
      { origin: 'null', 'content-type': 'text/plain' },
    ];
    for (const headers of fromPages) {
      const answer = await rawRequest(`${sandbox.url}/__sandbox/reset`, 'POST', headers);
      expect(answer.status, JSON.stringify(headers)).toBe(415);
    }
    expect(sandbox.messages({ destination: '34611100000' }).map((m) => m.message)).toEqual([
      'kept',
    ]);
    sandbox.reset();
  });
});

describe('the event stream', () => {
  it('replays every kept event on a first connection, as the README says', async () => {
    const fresh = await startSandbox();
    try {
      fresh.injectInbound(inbound('one'));
      fresh.injectInbound(inbound('two'));
      const history = await readEvents(fresh.url, 2);
      expect(history.map((e) => [e.type, e.data.message])).toEqual([
        ['message', 'one'],
        ['message', 'two'],
      ]);
      // Since the last reset: that reset first, then what came after it.
      fresh.reset();
      fresh.injectInbound(inbound('three'));
      const sinceReset = await readEvents(fresh.url, 2);
      expect(sinceReset.map((e) => [e.type, e.data.message])).toEqual([
        ['reset', undefined],
        ['message', 'three'],
      ]);
    } finally {
      await fresh.close();
    }
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(
      '**A first connection replays the history.** Without `Last-Event-ID`, the stream starts with\nevery event it keeps, oldest first: everything since the sandbox started or was last reset',
    );
  });
});
