/**
 * Secret leaks (docs/behaviour.md#secrets): errors from a broad set of failing scenarios (wrong
 * password, API errors, validation, configuration, timeouts, aborts, every server fault, servers
 * that quote the request back, token endpoint failures) are turned into text every way a user
 * could print them: message, stack, `JSON.stringify`, `util.inspect` at depth 10, each along the
 * cause chain. None may contain the password, the client secret, a bearer token issued, or a
 * Basic header value, in any encoding they travel in.
 */
import { spawn } from 'node:child_process';
import { tracingChannel } from 'node:diagnostics_channel';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createChatClient,
  type AfilnetError,
  type ChatClient,
  type ChatClientConfig,
} from '@afilnet-chat/core';
import { startSandbox, type Sandbox } from '@afilnet-chat/sandbox';
import { clientFor, invoke } from './support/case-client.js';
import { failureOf } from './support/collect-errors.js';
import { API_ECHO_CASES, TOKEN_ECHO_CASES } from './support/echo-behaviours.js';
import { FAULT_CASES } from './support/fault-cases.js';
import {
  diagnosticsCollector,
  errorFromServer,
  expectCleanDiagnostics,
  executorConfig,
  expectCleanError,
  leakNeedles,
  LEAK_ACCOUNT,
  LEAK_ROWS,
  SERVER_ROWS,
  type LeakRow,
  WRONG_ACCOUNT,
} from './support/leak-scenarios.js';
import {
  answer,
  ISSUED_TOKEN_PREFIX,
  resetConnection,
  stallBeforeHeaders,
  startMisbehavingServer,
  type Behaviour,
} from './support/misbehaving-server.js';
import { SAMPLE_CALLS, type SampleCall } from './support/sample-calls.js';
import {
  expectNoSecrets,
  findLeaks,
  LEAK_CLIENT_ID,
  LEAK_CLIENT_SECRET,
  LEAK_PASSWORD,
  LEAK_USER,
  secretNeedles,
} from './support/secret-needles.js';
import { TRANSPORT_CASES, type Account } from './support/transport-cases.js';
import { CONTENT_TYPE, errorBody, HTML_ERROR_PAGE, successBody } from './support/wire-bodies.js';
import { memoryTelemetry, registerPropagation } from './support/otel-memory.js';

const SEND = SAMPLE_CALLS.find((s) => s.method === 'sendmessage') as SampleCall;
const READ = SAMPLE_CALLS.find((s) => s.method === 'getchatchannels') as SampleCall;
const ROWS = LEAK_ROWS;
const CONVERSATION = {
  platform: 'whatsapp',
  platformId: '100',
  destination: '34600000000',
} as const;

describe('the scan itself', () => {
  it('finds every needle in every text form (so a clean result means something)', () => {
    const all = leakNeedles();
    for (const needle of all) {
      const leaky = new Error(`failed with ${needle.value}`, { cause: { detail: needle.value } });
      expect(findLeaks(leaky, [needle]).length, needle.label).toBeGreaterThan(0);
    }
    const base64 = Buffer.from(`${LEAK_USER}:${LEAK_PASSWORD}`).toString('base64');
    expect(all.map((n) => n.value)).toContain(base64);
    expect(all.map((n) => n.value)).toContain(
      Buffer.from(
        `${encodeURIComponent(LEAK_CLIENT_ID)}:${encodeURIComponent(LEAK_CLIENT_SECRET)}`,
      ).toString('base64'),
    );
    expect(all.map((n) => n.value)).toContain('s3cr3t-P%40ss%2Bword%2F%3D%26%3Cx');
    expect(all.map((n) => n.value)).toContain('s3cr3t-P@ss+word/=&amp;&lt;x');
  });
});

/** Warnings the SDK emits (the GET transport warns that the password travels in the URL). */
const warnings: Error[] = [];
const onWarning = (warning: Error) => {
  warnings.push(warning);
};
beforeAll(() => {
  process.on('warning', onWarning);
});
afterAll(() => {
  process.off('warning', onWarning);
});

describe('against the sandbox', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({
      accounts: [
        {
          user: LEAK_USER,
          password: LEAK_PASSWORD,
          channels: [{ platform: 'whatsapp', platformId: '100', name: 'Leak' }],
        },
      ],
    });
  });
  afterAll(async () => {
    await sandbox.close();
  });

  describe.each(ROWS)('$label', (row) => {
    async function errorOf(
      account: Account,
      run: (client: ChatClient) => Promise<unknown>,
      extra: Partial<ChatClientConfig> = {},
    ) {
      const diagnostics = diagnosticsCollector();
      const client = clientFor(
        row.case,
        'undici',
        sandbox.url,
        { ...executorConfig(row.executor), ...diagnostics.hooks, ...extra },
        account,
      );
      try {
        const error = await failureOf(run(client));
        expectCleanDiagnostics(diagnostics.events);
        return error;
      } finally {
        await client.close();
      }
    }

    it.each(SAMPLE_CALLS)('wrong password: $method', async (sample) => {
      const error = await errorOf(WRONG_ACCOUNT, (client) => invoke(client, sample));
      expectCleanError(error);
      // The scenario is what it says: the server refused the credentials.
      expect((error as AfilnetError).code).toBe('INCORRECT_USER_PASSWORD');
    });

    it('CHANNEL_NOT_FOUND, CHAT_NOT_FOUND and a file to an unknown chat', async () => {
      const conversation = {
        platform: 'whatsapp',
        platformId: '100',
        destination: 'nobody-yet',
      } as const;
      const codes: string[] = [];
      for (const run of [
        (c: ChatClient) => c.sendMessage({ ...conversation, platformId: '999', message: 'x' }),
        (c: ChatClient) => c.getMessages(conversation),
        (c: ChatClient) =>
          c.sendFile({ ...conversation, type: 'image', fileUrl: 'https://example.com/a.png' }),
      ]) {
        const error = await errorOf(LEAK_ACCOUNT, run);
        expectCleanError(error);
        codes.push((error as AfilnetError).code);
      }
      // The right password got through, whatever characters it holds.
      expect(codes).toEqual(['CHANNEL_NOT_FOUND', 'CHAT_NOT_FOUND', 'CHAT_NOT_FOUND']);
    });

    it('validation errors', async () => {
      expectCleanError(
        await errorOf(LEAK_ACCOUNT, (c) =>
          c.sendMessage({
            platform: 'fax' as never,
            platformId: '',
            destination: '\ud800',
            message: '',
          }),
        ),
      );
      expectCleanError(await errorOf(LEAK_ACCOUNT, (c) => c.getChats(null as never)));
      // Over the maximum message length (4,096 code points by default).
      const tooLong = await errorOf(LEAK_ACCOUNT, (c) =>
        c.sendMessage({ ...CONVERSATION, message: 'm'.repeat(5_000) }),
      );
      expectCleanError(tooLong);
      expect((tooLong as AfilnetError).code).toBe('INVALID_PARAMS');
      if (row.case.name === 'get') {
        // A URL over 4,000 characters holds the password: its error must not quote it.
        const urlTooLong = await errorOf(LEAK_ACCOUNT, (c) =>
          c.sendMessage({ ...CONVERSATION, message: 'é'.repeat(1_000) }),
        );
        expectCleanError(urlTooLong);
        expect((urlTooLong as AfilnetError).code).toBe('URL_TOO_LONG');
      }
    });

    it('aborts before and during the call, and a closed client', async () => {
      expectCleanError(
        await errorOf(LEAK_ACCOUNT, (c) => invoke(c, READ, { signal: AbortSignal.abort() })),
      );
      expectCleanError(
        await errorOf(LEAK_ACCOUNT, (c) => {
          const controller = new AbortController();
          const pending = invoke(c, SEND, { signal: controller.signal });
          queueMicrotask(() => controller.abort(new Error(`aborted by the caller`)));
          return pending;
        }),
      );
      expectCleanError(
        await errorOf(LEAK_ACCOUNT, async (c) => {
          await c.close();
          return invoke(c, READ);
        }),
      );
    });
  });
});

interface ServerScenario {
  readonly name: string;
  readonly api: Behaviour;
  readonly sample: SampleCall;
  readonly token?: Behaviour;
  readonly timeoutMs?: number;
}

/** Every scenario of one row against a misbehaving server. */
function serverScenarios(row: LeakRow): ServerScenario[] {
  const format = row.case.bodyFormat;
  const scenarios: ServerScenario[] = [];
  for (const sample of [SEND, READ]) {
    for (const fault of FAULT_CASES) {
      scenarios.push({
        name: `fault: ${fault.name}`,
        api: fault.behaviour(format),
        sample,
        ...(fault.stalls ? { timeoutMs: 300 } : {}),
      });
    }
    for (const echo of API_ECHO_CASES)
      scenarios.push({ name: `echo: ${echo.name}`, api: echo.behaviour(format), sample });
    const refused =
      format === 'json'
        ? JSON.stringify({ status: 'error', error: 'INCORRECT_USER_PASSWORD' })
        : errorBody(format, sample.method, 'INCORRECT_USER_PASSWORD');
    scenarios.push({
      name: 'INCORRECT_USER_PASSWORD with HTTP 401',
      api: answer(401, CONTENT_TYPE[format], refused, {
        'www-authenticate': 'Basic realm="afilnet"',
      }),
      sample,
    });
    if (row.case.name === 'json-oauth') {
      scenarios.push({
        name: 'the issued token refused twice by the API (UNAUTHORIZED)',
        api: answer(401, 'application/json', '{"error":"invalid_token"}', {
          'www-authenticate': 'Bearer error="invalid_token"',
        }),
        sample,
      });
    }
  }
  if (row.case.name === 'json-oauth') {
    const healthy = answer(200, CONTENT_TYPE[format], successBody(format, 'sendmessage'));
    const tokenFailures: Array<[string, Behaviour]> = [
      ['reset', resetConnection],
      ['503 HTML', answer(503, 'text/html', HTML_ERROR_PAGE)],
      [
        'invalid_client',
        answer(401, 'application/json', JSON.stringify({ error: 'invalid_client' })),
      ],
      ['no access_token', answer(200, 'application/json', '{"token_type":"Bearer"}')],
      ...TOKEN_ECHO_CASES.map((c): [string, Behaviour] => [c.name, c.behaviour(format)]),
    ];
    for (const [name, token] of tokenFailures)
      scenarios.push({ name: `token endpoint: ${name}`, api: healthy, sample: SEND, token });
    scenarios.push({
      name: 'token endpoint: stall',
      api: healthy,
      sample: SEND,
      token: stallBeforeHeaders,
      timeoutMs: 300,
    });
  }
  return scenarios;
}

const SERVER_CASES = SERVER_ROWS.flatMap((row) =>
  serverScenarios(row).map((scenario) => ({ row, scenario })),
);

describe.concurrent('against misbehaving servers', () => {
  it.each(SERVER_CASES)(
    '$row.label: $scenario.name, $scenario.sample.method',
    async ({ row, scenario }) => {
      expectCleanError(
        await errorFromServer(row, scenario.api, scenario.sample, {
          ...(scenario.token ? { tokenBehaviour: scenario.token } : {}),
          ...(scenario.timeoutMs ? { timeoutMs: scenario.timeoutMs } : {}),
        }),
      );
    },
  );
});

describe('configuration errors', () => {
  const CONFIGS: Array<[string, () => unknown]> = TRANSPORT_CASES.flatMap(
    (c): Array<[string, () => unknown]> => [
      [
        `${c.name}: password with a line feed`,
        () => ({
          transport: c.name,
          credentials: { user: LEAK_USER, password: `${LEAK_PASSWORD}\n` },
        }),
      ],
      [
        `${c.name}: user with a carriage return`,
        () => ({
          transport: c.name,
          credentials: { user: `${LEAK_USER}\r`, password: LEAK_PASSWORD },
        }),
      ],
      [
        `${c.name}: http URL with the credentials in it`,
        () => ({
          transport: c.name,
          baseUrl: `http://${encodeURIComponent(LEAK_USER)}:${encodeURIComponent(LEAK_PASSWORD)}@127.0.0.1:1/`,
          credentials: { user: LEAK_USER, password: LEAK_PASSWORD },
        }),
      ],
      [
        `${c.name}: a base URL that is not a URL`,
        () => ({
          transport: c.name,
          baseUrl: `not a url ${LEAK_PASSWORD}`,
          credentials: { user: LEAK_USER, password: LEAK_PASSWORD },
        }),
      ],
      [
        `${c.name}: an unknown option holding the password`,
        () => ({
          transport: c.name,
          pasword: LEAK_PASSWORD,
          credentials: { user: LEAK_USER, password: LEAK_PASSWORD },
        }),
      ],
      [
        `${c.name}: client secret with CR/LF`,
        () => ({
          transport: c.name,
          credentials: { user: LEAK_USER, password: LEAK_PASSWORD },
          oauth: { clientId: LEAK_CLIENT_ID, clientSecret: `${LEAK_CLIENT_SECRET}\r\n` },
        }),
      ],
    ],
  );
  for (const c of TRANSPORT_CASES.filter((t) => t.name !== 'json-oauth')) {
    CONFIGS.push([
      `${c.name}: below the minimum security`,
      () => ({
        transport: c.name,
        minimumSecurity: 'high',
        credentials: { user: LEAK_USER, password: LEAK_PASSWORD },
      }),
    ]);
  }
  for (const c of TRANSPORT_CASES.filter((t) => t.name === 'basic')) {
    CONFIGS.push([
      `${c.name}: user with a colon`,
      () => ({
        transport: c.name,
        credentials: { user: `a:${LEAK_PASSWORD}`, password: LEAK_PASSWORD },
      }),
    ]);
  }
  CONFIGS.push([
    'no transport',
    () => ({ credentials: { user: LEAK_USER, password: LEAK_PASSWORD } }),
  ]);

  it.each(CONFIGS)('%s', (_name, config) => {
    let thrown: unknown;
    try {
      createChatClient(config() as ChatClientConfig);
    } catch (error) {
      thrown = error;
    }
    expect(thrown, 'createChatClient must refuse this configuration').toBeDefined();
    expectCleanError(thrown);
  });
});

describe('process warnings', () => {
  const GET_CASES = TRANSPORT_CASES.filter((c) => c.name === 'get');
  it.each(GET_CASES.map((c) => ({ c, label: c.name })))(
    '$label: the credentials-in-URL warning holds no secret',
    async ({ c }) => {
      const sandbox = await startSandbox();
      const client = clientFor(c, 'undici', sandbox.url, {}, LEAK_ACCOUNT);
      try {
        await client.getChatChannels().catch(() => undefined);
      } finally {
        await client.close();
        await sandbox.close();
      }
      // Give process.emitWarning (which reports on the next tick) time to speak.
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.length, 'the GET transport warned').toBeGreaterThan(0);
      for (const warning of warnings) expectNoSecrets(warning, leakNeedles());
    },
  );
});

/**
 * `NODE_DEBUG=afilnet-chat` (docs/behaviour.md#diagnostics): a child process calls through every flavour × executor
 * with the distinctive credentials, against a server that answers every other API request with
 * a 429 (so that retries are logged too). Its debug lines name method, flavour, URL without query,
 * status and time, and hold no secret in any encoding.
 */
describe('NODE_DEBUG=afilnet-chat output', () => {
  it('one redacted line per request, response and retry, for every flavour × executor', async () => {
    let apiRequests = 0;
    const server = await startMisbehavingServer((exchange) => {
      apiRequests += 1;
      if (apiRequests % 2 === 1)
        return answer(429, 'text/plain', 'slow down', { 'retry-after': '0' })(exchange);
      const soap = /<(?:\w+:)?(getchatchannels|sendmessage)\b/.exec(exchange.request.body);
      const method = soap?.[1] === 'sendmessage' ? 'sendmessage' : 'getchatchannels';
      return soap === null
        ? answer(200, CONTENT_TYPE.json, successBody('json', 'getchatchannels'))(exchange)
        : answer(200, CONTENT_TYPE.xml, successBody('xml', method))(exchange);
    });
    try {
      const rows = TRANSPORT_CASES.flatMap((c) =>
        (['undici', 'fetch'] as const).map((executor) => ({
          label: `${c.label} × ${executor}`,
          config: {
            transport: c.name,
            executor,
            ...c.config,
            ...(c.name === 'json-oauth'
              ? { oauth: { clientId: LEAK_CLIENT_ID, clientSecret: LEAK_CLIENT_SECRET } }
              : {}),
          },
        })),
      );
      const { stderr, code } = await runChild(
        fileURLToPath(new URL('./support/debug-log-child.mjs', import.meta.url)),
        {
          NODE_DEBUG: 'afilnet-chat',
          DEBUG_LOG_CHILD: JSON.stringify({ url: server.url, credentials: LEAK_ACCOUNT, rows }),
        },
      );
      expect(code, stderr).toBe(0);
      const lines = stderr.split('\n').filter((line) => /^AFILNET-CHAT \d+:/.test(line));
      for (const row of rows) {
        const flavour = row.config.transport;
        expect(
          lines.some(
            (l) =>
              l.includes(` request POST ${server.url}/`) ||
              l.includes(` request GET ${server.url}/`),
          ),
          row.label,
        ).toBe(true);
        expect(
          lines.some(
            (l) => / response 200 (GET|POST) /.test(l) && l.includes(`(${flavour} sendmessage`),
          ),
          row.label,
        ).toBe(true);
        expect(
          lines.some((l) =>
            l.includes(
              `retry (${flavour} getchatchannels) after attempt 1 failed with RATE_LIMITED`,
            ),
          ),
          row.label,
        ).toBe(true);
      }
      expect(
        lines.some((l) =>
          / response 200 POST http:\/\/127\.0\.0\.1:\d+\/api\/oauth\/token \(json-oauth/.test(l),
        ),
      ).toBe(true);
      expect(
        lines.every((l) => !l.includes('?')),
        'no URL query in any line',
      ).toBe(true);
      expect(
        lines.every((l) => /\d+ ms$/.test(l) || / request /.test(l) || / retry /.test(l)),
      ).toBe(true);
      const needles = secretNeedles({
        user: LEAK_USER,
        passwords: [LEAK_PASSWORD],
        clientId: LEAK_CLIENT_ID,
        clientSecret: LEAK_CLIENT_SECRET,
        tokens: [ISSUED_TOKEN_PREFIX],
      });
      expect(needles.filter((n) => stderr.includes(n.value)).map((n) => n.label)).toEqual([]);
    } finally {
      await server.close();
    }
  });
});

/** Runs a Node script with `env` added, from the repository's root (so packages resolve as built). */
function runChild(
  script: string,
  env: Record<string, string>,
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stderr }));
  });
}

describe('OpenTelemetry spans and metrics, and the afilnet-chat:call channel', () => {
  // Canaries: a message text and a destination that must never reach a span, a metric or the channel.
  const MESSAGE_CANARY = 'canary-message-5e1f0c';
  const DESTINATION_CANARY = '34699955501';
  const METRICS = [
    'afilnet.client.call.duration',
    'http.client.request.duration',
    'afilnet.client.retries',
    'afilnet.client.rate_limits',
  ];
  let sandbox: Sandbox;
  let unregister: () => void;
  beforeAll(async () => {
    unregister = registerPropagation();
    sandbox = await startSandbox({
      accounts: [
        {
          user: LEAK_USER,
          password: LEAK_PASSWORD,
          channels: [{ platform: 'whatsapp', platformId: '100', name: 'Leak' }],
        },
      ],
    });
  });
  afterAll(async () => {
    unregister();
    await sandbox.close();
  });

  it.each(ROWS)(
    '$label: no credential, token, message text or destination in any span, metric or channel message',
    async (row) => {
      const otel = memoryTelemetry();
      const channel = tracingChannel('afilnet-chat:call');
      const published: unknown[] = [];
      const record = (event: string) => (message: unknown) =>
        published.push({ event, ...(message as object) });
      const handlers = {
        start: record('start'),
        end: record('end'),
        asyncStart: record('asyncStart'),
        asyncEnd: record('asyncEnd'),
        error: record('error'),
      };
      channel.subscribe(handlers);
      const conversation = {
        platform: 'whatsapp',
        platformId: '100',
        destination: DESTINATION_CANARY,
      } as const;
      const config: Partial<ChatClientConfig> = {
        ...executorConfig(row.executor),
        telemetry: { tracerProvider: otel.tracerProvider, meterProvider: otel.meterProvider },
        retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 },
      };
      // The sandbox refuses the first attempt of each kind once, so that retries and rate limits are recorded too.
      sandbox.chaos([
        { method: 'getmessages', times: 1, fault: { status: 503 } },
        { method: 'getmessages', times: 1, fault: { status: 429 } },
      ]);
      const good = clientFor(row.case, 'undici', sandbox.url, config, LEAK_ACCOUNT);
      const wrong = clientFor(row.case, 'undici', sandbox.url, config, WRONG_ACCOUNT);
      const provided = clientFor(row.case, 'undici', sandbox.url, {
        ...config,
        credentials: async () => ({ ...WRONG_ACCOUNT }),
      });
      try {
        await good.sendMessage({ ...conversation, message: MESSAGE_CANARY });
        await good.getMessages(conversation);
        expectCleanError(
          await failureOf(wrong.sendMessage({ ...conversation, message: MESSAGE_CANARY })),
        );
        expectCleanError(await failureOf(provided.getMessages(conversation)));
        expectCleanError(
          await failureOf(
            good.sendMessage({ ...conversation, platformId: '999', message: MESSAGE_CANARY }),
          ),
        );
      } finally {
        channel.unsubscribe(handlers);
        sandbox.chaos([]);
        await Promise.all([good.close(), wrong.close(), provided.close()]);
      }
      const spans = otel.spans().map((span) => ({
        name: span.name,
        attributes: span.attributes,
        events: span.events,
        status: span.status,
        links: span.links,
      }));
      const points = (await Promise.all(METRICS.map((name) => otel.points(name))))
        .flat()
        .map((p) => ({ attributes: p.attributes }));
      await otel.shutdown();
      // Each output had something to say, so a clean scan means something.
      expect(spans.length).toBeGreaterThanOrEqual(10);
      expect(points.length).toBeGreaterThanOrEqual(METRICS.length);
      expect(published.length).toBeGreaterThanOrEqual(20);
      expect(JSON.stringify(spans)).toContain('url.full');
      const needles = [
        ...leakNeedles(),
        { label: 'message text', value: MESSAGE_CANARY },
        { label: 'destination', value: DESTINATION_CANARY },
      ];
      expectNoSecrets(spans, needles);
      expectNoSecrets(points, needles);
      expectNoSecrets(published, needles);
    },
  );
});
