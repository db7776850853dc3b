/**
 * `afilnet-chat watch` without `--destination`: the whole account or one channel, new customers
 * included, with `--checkpoint` remembering what was printed across runs. Runs the built binary.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI_ACCOUNT, accountEnv, runCli, startCli, whatsappArgs } from './support/cli-process.js';
import { useSandbox } from './support/sandbox-fixture.js';

const fixture = useSandbox({ accounts: [CLI_ACCOUNT] });
const dir = mkdtempSync(join(tmpdir(), 'afilnet-cli-inbound-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const env = () => accountEnv(fixture.sandbox.url, 'post');

function inject(platform: 'whatsapp' | 'telegram', destination: string, message: string): string {
  const platformId = platform === 'whatsapp' ? '100' : '200';
  return fixture.sandbox.injectInbound({
    user: CLI_ACCOUNT.user,
    platform,
    platformId,
    destination,
    message,
  }).messageId;
}

const printed = (stdout: string) =>
  stdout
    .trimEnd()
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as { messageId: string; message: string; platform: string });

describe('watch (the account)', { timeout: 60_000 }, () => {
  it('prints new customers of every channel and continues from its checkpoint', async () => {
    const checkpoint = join(dir, 'inbound.json');
    const ids = [
      inject('whatsapp', 'cust-a', 'a1'),
      inject('telegram', 'cust-b', 'b1'),
      inject('whatsapp', 'cust-a', 'a2'),
    ];
    const first = await runCli(
      ['watch', '--checkpoint', checkpoint, '--interval', '50', '--json', '--count', '2'],
      { env: env() },
    );
    expect(first.code).toBe(0);
    const firstRun = printed(first.stdout);
    expect(firstRun).toHaveLength(2);
    expect(JSON.parse(readFileSync(checkpoint, 'utf8'))).toMatchObject({
      format: 'afilnet-chat/inbound',
    });
    expect(readFileSync(checkpoint, 'utf8')).not.toContain(CLI_ACCOUNT.password);

    // The next run prints what the first did not (the last one it printed may come again), and a customer who writes meanwhile.
    const watch = startCli(['watch', '--checkpoint', checkpoint, '--interval', '50', '--json'], {
      env: env(),
    });
    const late = inject('telegram', 'cust-new', 'first time');
    await watch.waitFor('stdout', 'first time');
    watch.child.kill('SIGINT');
    const second = await watch.done;
    expect(second.code).toBe(0);
    const secondRun = printed(second.stdout);
    const all = [...firstRun, ...secondRun].map((m) => m.messageId);
    expect(new Set(all)).toEqual(new Set([...ids, late]));
    const repeats = all.length - new Set(all).size;
    expect(repeats).toBeLessThanOrEqual(1);
    if (repeats === 1) expect(secondRun[0]?.messageId).toBe(firstRun[1]?.messageId);
    // Same order within a conversation.
    const a = all.filter((id) => id === ids[0] || id === ids[2]);
    expect(a.indexOf(ids[0] as string)).toBeLessThan(a.lastIndexOf(ids[2] as string));
  });

  it('watches one channel with --platform and --platform-id', async () => {
    const watch = startCli(
      ['watch', '--platform', 'telegram', '--platform-id', '200', '--interval', '50'],
      { env: env() },
    );
    await watch.waitFor('stderr', /Watching telegram 200 every 50 ms; Ctrl-C to stop/);
    inject('whatsapp', 'other-channel', 'not this one');
    inject('telegram', 'this-channel', 'this one');
    await watch.waitFor('stdout', 'this one');
    watch.child.kill('SIGINT');
    const { code, stdout } = await watch.done;
    expect(code).toBe(0);
    expect(stdout).not.toContain('not this one');
  });

  it('refuses options that do not fit together, and a file that is not a checkpoint', async () => {
    const notCheckpoint = join(dir, 'notes.json');
    writeFileSync(notCheckpoint, '{"notes": true}');
    const runs = await Promise.all([
      runCli(['watch', '--platform', 'whatsapp'], { env: env() }),
      runCli(['watch', ...whatsappArgs('1'), '--checkpoint', join(dir, 'x.json')], { env: env() }),
      runCli(['watch', '--checkpoint', notCheckpoint], { env: env() }),
    ]);
    for (const run of runs) expect(run.code).toBe(2);
    expect(runs[0]?.stderr).toContain('--platform and --platform-id');
    expect(runs[1]?.stderr).toContain('--checkpoint');
    expect(runs[2]?.stderr).toContain('INVALID_CONFIG');
    expect(runs[2]?.stderr).toContain(notCheckpoint);
    expect(readFileSync(notCheckpoint, 'utf8')).toBe('{"notes": true}');
  });
});
