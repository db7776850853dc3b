/**
 * The walkthrough of docs/relay.md, as processes: `afilnet-chat sandbox`, the receiver example
 * (examples/webhook-receiver.mjs, verifying with standardwebhooks), and `afilnet-chat relay`
 * pointed at both. A message posted the way the inbox's "Reply as contact" box posts it arrives
 * at the receiver; a replayed delivery is answered without being handled twice, a tampered one
 * is refused.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { startCli, type CliProcess } from './support/cli-process.js';
import { waitFor } from './support/wait-for.js';
import { newWebhookSecret } from './support/webhook-receiver.js';

const EXAMPLE = fileURLToPath(new URL('../examples/webhook-receiver.mjs', import.meta.url));
const README = fileURLToPath(new URL('../README.md', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'afilnet-relay-sandbox-'));

/** The example copied into a project of its own, with standardwebhooks as its only dependency. */
function exampleProject(): string {
  const project = join(dir, 'receiver');
  mkdirSync(join(project, 'node_modules'), { recursive: true });
  copyFileSync(EXAMPLE, join(project, 'webhook-receiver.mjs'));
  const installed = realpathSync(
    fileURLToPath(new URL('../node_modules/standardwebhooks', import.meta.url)),
  );
  symlinkSync(installed, join(project, 'node_modules', 'standardwebhooks'), 'dir');
  return join(project, 'webhook-receiver.mjs');
}
const processes: Array<CliProcess['child'] | ChildProcess> = [];
let recorder: Server | undefined;
afterAll(async () => {
  for (const child of processes)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  recorder?.closeAllConnections();
  await new Promise((resolve) => (recorder ? recorder.close(resolve) : resolve(undefined)));
  rmSync(dir, { recursive: true, force: true });
});

interface Recorded {
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

describe('relay driven by the sandbox', { timeout: 90_000 }, () => {
  it("shows in the README's Webhooks section lines of the example, in its order", () => {
    const readme = readFileSync(README, 'utf8');
    const section = readme.slice(
      readme.indexOf('## Webhooks'),
      readme.indexOf('\n## ', readme.indexOf('## Webhooks') + 3),
    );
    const snippet = /```js\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
    const lines = snippet
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '');
    expect(lines.length).toBeGreaterThan(10);
    const example = readFileSync(EXAMPLE, 'utf8')
      .split('\n')
      .map((l) => l.trim());
    let at = 0;
    for (const line of lines) {
      const found = example.indexOf(line, at);
      expect(
        found,
        `README line in examples/webhook-receiver.mjs after line ${at}: ${line}`,
      ).toBeGreaterThanOrEqual(0);
      at = found + 1;
    }
  });

  it('delivers a "Reply as contact" message to the example receiver, which verifies it and handles it once', async () => {
    const secret = newWebhookSecret();
    const sandbox = startCli(['sandbox', '--json']);
    processes.push(sandbox.child);
    await sandbox.waitFor('stdout', '\n');
    const facts = JSON.parse(sandbox.output().stdout) as {
      url: string;
      user: string;
      password: string;
    };

    const receiver = spawn(process.execPath, [exampleProject()], {
      env: { PATH: process.env.PATH ?? '', PORT: '0', AFILNET_WEBHOOK_SECRET: secret },
      stdio: 'pipe',
    });
    processes.push(receiver);
    let printed = '';
    let said = '';
    receiver.stdout.setEncoding('utf8').on('data', (chunk: string) => (printed += chunk));
    receiver.stderr.setEncoding('utf8').on('data', (chunk: string) => (said += chunk));
    await waitFor(() => /http:\/\/127\.0\.0\.1:\d+\//.test(said), 15_000, 20);
    const receiverUrl = /http:\/\/127\.0\.0\.1:\d+\//.exec(said)?.[0] as string;

    // Between the relay and the receiver: records each delivery, passes it on unchanged.
    const recorded: Recorded[] = [];
    recorder = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const body = Buffer.concat(chunks);
      const headers = Object.fromEntries(
        Object.entries(req.headers).filter(
          ([k]) => k.startsWith('webhook-') || k === 'content-type',
        ),
      ) as Record<string, string>;
      recorded.push({ headers, body });
      const answer = await fetch(receiverUrl, { method: 'POST', headers, body });
      res.writeHead(answer.status).end(await answer.text());
    });
    await new Promise<void>((resolve) => recorder?.listen(0, '127.0.0.1', resolve));
    const recorderUrl = `http://127.0.0.1:${(recorder.address() as AddressInfo).port}/hooks/afilnet`;

    const relay = startCli(
      ['relay', '--url', recorderUrl, '--checkpoint', join(dir, 'relay.json'), '--interval', '200'],
      {
        env: {
          AFILNET_BASE_URL: facts.url,
          AFILNET_ALLOW_INSECURE_HTTP: '1',
          AFILNET_TRANSPORT: 'post',
          AFILNET_USER: facts.user,
          AFILNET_PASSWORD: facts.password,
          AFILNET_WEBHOOK_SECRET: secret,
        },
      },
    );
    processes.push(relay.child);
    await relay.waitFor('stderr', 'Relaying');

    // What the inbox's "Reply as contact" box posts (packages/sandbox/ui/inbox.ts).
    const reply = {
      user: facts.user,
      platform: 'whatsapp',
      platformId: '100',
      destination: '34600000000',
      message: 'Hello from the inbox',
    };
    const posted = await fetch(`${facts.url}/__sandbox/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(reply),
    });
    expect(posted.status).toBe(201);
    await waitFor(() => printed.includes('Hello from the inbox'), 30_000, 20);
    await relay.waitFor('stdout', /delivered msg_\S+ whatsapp 100 34600000000/);
    expect(JSON.parse(printed.trim())).toMatchObject({
      platform: 'whatsapp',
      destination: '34600000000',
      message: 'Hello from the inbox',
    });

    // A second delivery of the same event (as a retry or a restarted relay would make) is accepted, not handled again.
    const [delivery] = recorded;
    expect(delivery).toBeDefined();
    const replay = await fetch(receiverUrl, {
      method: 'POST',
      headers: delivery?.headers ?? {},
      body: delivery?.body ?? '',
    });
    expect(replay.status).toBe(204);
    // A body changed on the way does not verify.
    const tampered = Buffer.from(
      (delivery?.body ?? Buffer.alloc(0)).toString('utf8').replace('Hello', 'Hijack'),
    );
    const refused = await fetch(receiverUrl, {
      method: 'POST',
      headers: delivery?.headers ?? {},
      body: tampered,
    });
    expect(refused.status).toBe(400);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(printed.trim().split('\n')).toHaveLength(1);

    relay.child.kill('SIGINT');
    sandbox.child.kill('SIGINT');
    expect((await relay.done).code).toBe(0);
    expect((await sandbox.done).code).toBe(0);
  });
});
