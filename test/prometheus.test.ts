/**
 * `afilnet-chat watch --metrics-port` scraped by a real Prometheus (Debian's package, installed by
 * the test set-up when missing): the client's metrics arrive under the names OpenTelemetry's
 * Prometheus exporter gives them, and are found through Prometheus's query API. The watch reads
 * its password from AFILNET_PASSWORD_FILE, and keeps working when the password is rotated and
 * the file rewritten while it runs. `relay --metrics-port` serves the same, and its own
 * `afilnet_relay_deliveries_total` by outcome, with no URL, destination or text in any label.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startPrometheus, type PrometheusServer } from '../scripts/prometheus-server.mjs';
import {
  CLI_ACCOUNT,
  SECRET,
  accountEnv,
  injectWhatsapp,
  startCli,
  whatsappArgs,
} from './support/cli-process.js';
import { useSandbox } from './support/sandbox-fixture.js';
import { waitFor } from './support/wait-for.js';
import { newWebhookSecret, startReceiver } from './support/webhook-receiver.js';

const fixture = useSandbox({ accounts: [CLI_ACCOUNT] });
const scratch = mkdtempSync(join(tmpdir(), 'afilnet-metrics-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The value of the first series `expr` answers, once Prometheus has scraped one. */
async function scraped(prometheus: PrometheusServer, expr: string): Promise<number> {
  let value = Number.NaN;
  await waitFor(
    async () => {
      const [first] = await prometheus.query(expr);
      value = first === undefined ? Number.NaN : Number(first.value[1]);
      return value > 0;
    },
    30_000,
    250,
  );
  return value;
}

describe('watch --metrics-port', { timeout: 180_000 }, () => {
  it('serves the call and HTTP request durations that a real Prometheus scrapes and answers queries on', async () => {
    const passwordFile = join(scratch, 'password');
    writeFileSync(passwordFile, `${SECRET}\n`);
    const destination = '34629000001';
    const inject = (message: string) => injectWhatsapp(fixture.sandbox, destination, message);
    const watch = startCli(
      ['watch', ...whatsappArgs(destination), '--interval', '100', '--metrics-port', '0'],
      {
        env: {
          AFILNET_TRANSPORT: 'post',
          AFILNET_BASE_URL: fixture.sandbox.url,
          AFILNET_ALLOW_INSECURE_HTTP: '1',
          AFILNET_USER: CLI_ACCOUNT.user,
          AFILNET_PASSWORD_FILE: passwordFile,
        },
      },
    );
    let prometheus: PrometheusServer | undefined;
    try {
      await watch.waitFor('stderr', /Serving metrics on http:\/\/127\.0\.0\.1:\d+\/metrics/);
      const endpoint = new URL(/Serving metrics on (\S+)/.exec(watch.output().stderr)?.[1] ?? '');
      inject('before the rotation');
      await watch.waitFor('stdout', 'before the rotation');

      // The exposition itself, as Prometheus will read it.
      const text = await (await fetch(endpoint)).text();
      expect(text).toMatch(/^# TYPE afilnet_client_call_duration_seconds histogram$/m);
      expect(text).toMatch(/^# TYPE http_client_request_duration_seconds histogram$/m);

      prometheus = await startPrometheus({ targets: [endpoint.host] });
      const calls = await scraped(
        prometheus,
        'afilnet_client_call_duration_seconds_count{afilnet_method="getunreadmessages",afilnet_transport="post"}',
      );
      expect(calls).toBeGreaterThan(0);
      const requests = await scraped(
        prometheus,
        'sum(http_client_request_duration_seconds_count{http_request_method="POST",server_address="127.0.0.1",http_response_status_code="200"})',
      );
      expect(requests).toBeGreaterThan(0);
      expect(await scraped(prometheus, 'up{job="afilnet-chat"}')).toBe(1);

      // The password is rotated and the mounted file rewritten: the next refused poll reads it again.
      fixture.sandbox.setPassword(CLI_ACCOUNT.user, 'rotated P@ssw0rd');
      writeFileSync(passwordFile, 'rotated P@ssw0rd\n');
      inject('after the rotation');
      await watch.waitFor('stdout', 'after the rotation');
      expect(watch.output().stderr).not.toContain('INCORRECT_USER_PASSWORD');
    } finally {
      watch.child.kill('SIGINT');
      await prometheus?.stop();
    }
    const { code } = await watch.done;
    expect(code).toBe(0);
  });
});

describe('relay --metrics-port', { timeout: 180_000 }, () => {
  it("serves the client's metrics and the deliveries by outcome, which a real Prometheus scrapes", async () => {
    // The watch above rotated the password: back to the one the environment gives.
    fixture.sandbox.setPassword(CLI_ACCOUNT.user, SECRET);
    const secret = newWebhookSecret();
    const refused = '34629100002';
    // One conversation's receiver answers 2xx, the other's always 500: delivered and failed.
    const receiver = await startReceiver(secret, (r) => ({
      status: r.event?.data.destination === refused ? 500 : 204,
    }));
    const inject = (destination: string, message: string) =>
      injectWhatsapp(fixture.sandbox, destination, message);
    const relay = startCli(
      [
        'relay',
        '--url',
        receiver.url,
        '--checkpoint',
        join(scratch, 'relay.json'),
        '--interval',
        '100',
        '--retry-window',
        '1',
        '--metrics-port',
        '0',
      ],
      { env: accountEnv(fixture.sandbox.url, 'post', { AFILNET_WEBHOOK_SECRET: secret }) },
    );
    let prometheus: PrometheusServer | undefined;
    try {
      await relay.waitFor('stderr', /Serving metrics on http:\/\/127\.0\.0\.1:\d+\/metrics/);
      const endpoint = new URL(/Serving metrics on (\S+)/.exec(relay.output().stderr)?.[1] ?? '');
      inject('34629100001', 'relayed and counted');
      inject(refused, 'refused and counted');
      await relay.waitFor('stdout', /^delivered /m);
      await relay.waitFor('stdout', /^failed /m);

      const text = await (await fetch(endpoint)).text();
      expect(text).toMatch(/^# TYPE afilnet_relay_deliveries_total counter$/m);
      expect(text).toMatch(
        /^afilnet_relay_deliveries_total\{[^}]*afilnet_relay_outcome="delivered"[^}]*\} 1\b/m,
      );
      expect(text).toMatch(
        /^afilnet_relay_deliveries_total\{[^}]*afilnet_relay_outcome="failed"[^}]*\} 1\b/m,
      );
      expect(text).toMatch(/^# TYPE afilnet_client_call_duration_seconds histogram$/m);
      expect(text).toMatch(
        /^afilnet_client_call_duration_seconds_count\{[^}]*afilnet_method="getchats"/m,
      );
      for (const needle of ['hooks', '34629100001', refused, 'counted', secret])
        expect(text).not.toContain(needle);

      prometheus = await startPrometheus({ targets: [endpoint.host] });
      expect(
        await scraped(
          prometheus,
          'afilnet_relay_deliveries_total{afilnet_relay_outcome="delivered"}',
        ),
      ).toBe(1);
      expect(
        await scraped(prometheus, 'afilnet_relay_deliveries_total{afilnet_relay_outcome="failed"}'),
      ).toBe(1);
    } finally {
      relay.child.kill('SIGINT');
      await prometheus?.stop();
    }
    const { code } = await relay.done;
    expect(code).toBe(0);
    await receiver.close();
  });
});
