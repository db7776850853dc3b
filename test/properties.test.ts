/**
 * Property-based tests (issue 7, item 7), at least 1,000 runs per property in CI:
 * - every flavour carries arbitrary Unicode messages to the real sandbox byte-exact, and reads
 *   them back byte-exact (SOAP refuses, typed and before sending, what XML 1.0 cannot carry);
 * - decoding never fails with anything but a typed error, whatever the answer: core's
 *   `decodeResponse` and `parseJsonPayload` given arbitrary payloads, and every flavour × executor
 *   given arbitrary statuses and bytes by a real server (the token endpoint too);
 * - whatever succeeds has exactly the documented shape.
 */
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  AfilnetApiError,
  AfilnetError,
  AfilnetTransportError,
  AfilnetValidationError,
  type ChatClient,
  type ChatMethod,
} from '@afilnet-chat/core';
import { CHAT_METHODS } from '@afilnet-chat/core/constants';
import { parseJsonPayload, type WirePayload } from '@afilnet-chat/core/transport';
import { decodeResponse } from '../packages/core/src/wire/decode-response.js';
import { flattenHeaders, headerValue } from '../packages/core/src/http/flatten-headers.js';
import { util as undiciUtil } from 'undici';
import { startSandbox } from '@afilnet-chat/sandbox';
import { DEMO } from './support/account.js';
import {
  answerArbitrary,
  envelopeArbitrary,
  messageArbitrary,
  RUNS,
  XML_ILLEGAL,
  type ArbitraryAnswer,
} from './support/arbitraries.js';
import { clientFor, invoke } from './support/case-client.js';
import { failureOf } from './support/collect-errors.js';
import { referenceForm } from './support/reference-encoding.js';
import {
  startMisbehavingServer,
  type Behaviour,
  type MisbehavingServer,
} from './support/misbehaving-server.js';
import { SAMPLE_CALLS } from './support/sample-calls.js';
import { expectNoSecrets, secretNeedles } from './support/secret-needles.js';
import { TRANSPORT_CASES } from './support/transport-cases.js';
import {
  settle,
  watchUnhandledRejections,
  type RejectionWatch,
} from './support/unhandled-rejections.js';
import { EXECUTORS } from './support/wire-capture.js';

/** Long enough for 1,000 runs of a sandbox round trip on a busy 2-core machine. */
const PROPERTY_TIMEOUT_MS = 180_000;
const METHODS = Object.keys(CHAT_METHODS) as ChatMethod[];
const DEMO_SECRETS = secretNeedles({ user: DEMO.user, passwords: [DEMO.password] });

let rejections: RejectionWatch;
beforeAll(() => {
  rejections = watchUnhandledRejections();
});
afterEach(async () => {
  await settle();
  expect(rejections.seen.splice(0), 'unhandled rejections').toEqual([]);
});
afterAll(() => rejections.stop());

const CHANNEL_KEYS = ['name', 'platform', 'platformId'];
const MESSAGE_KEYS = [
  'datetime',
  'destination',
  'message',
  'messageId',
  'platform',
  'platformId',
  'sent',
  'status',
];

/** A successful result has exactly the documented fields, no others (docs/behaviour.md#results). */
function expectDocumentedShape(method: ChatMethod, result: unknown): void {
  const kind = CHAT_METHODS[method].result;
  if (kind === 'none') {
    expect(result).toBeUndefined();
    return;
  }
  expect(Array.isArray(result)).toBe(true);
  for (const item of result as Array<Record<string, unknown>>) {
    expect(Object.keys(item).sort()).toEqual(kind === 'channels' ? CHANNEL_KEYS : MESSAGE_KEYS);
    for (const [key, value] of Object.entries(item)) {
      expect(typeof value, key).toBe(key === 'sent' ? 'boolean' : 'string');
    }
  }
}

/** A failure is one of the SDK's errors, and never a validation error once a request was made. */
function expectTypedFailure(error: unknown): void {
  expect(
    error instanceof AfilnetApiError || error instanceof AfilnetTransportError,
    String(error),
  ).toBe(true);
  expect(error).toBeInstanceOf(AfilnetError);
}

describe('round trip through the sandbox', () => {
  it.each(TRANSPORT_CASES.map((c) => ({ c, label: c.label })))(
    '$label: arbitrary messages arrive and read back byte-exact',
    async ({ c }) => {
      // A sandbox per flavour keeps its store small, so that each run's checks stay cheap.
      const sandbox = await startSandbox();
      const clients: Record<string, ChatClient> = Object.fromEntries(
        EXECUTORS.map((executor) => [executor, clientFor(c, executor, sandbox.url)]),
      );
      let run = 0;
      try {
        await fc.assert(
          fc.asyncProperty(
            messageArbitrary,
            fc.constantFrom(...EXECUTORS),
            async (message, executor) => {
              const client = clients[executor] as ChatClient;
              // A conversation per run, so that a read gives back exactly this message.
              const conversation = {
                platform: 'whatsapp',
                platformId: '100',
                destination: `prop-${run++}`,
              } as const;
              const stored = () =>
                sandbox
                  .messages(DEMO.user)
                  .filter((m) => m.destination === conversation.destination);
              if (c.bodyFormat === 'xml' && XML_ILLEGAL.test(message)) {
                const error = await failureOf(client.sendMessage({ ...conversation, message }));
                expect(error).toBeInstanceOf(AfilnetValidationError);
                expect((error as AfilnetValidationError).code).toBe('INVALID_PARAMS');
                expect(stored(), 'nothing sent').toEqual([]);
                return;
              }
              await client.sendMessage({ ...conversation, message });
              expect(
                stored().map((m) => m.message),
                'exactly this message stored',
              ).toEqual([message]);
              const read = await client.getMessages(conversation);
              expect(read.map((m) => m.message)).toEqual([message]);
            },
          ),
          { numRuns: RUNS },
        );
      } finally {
        await Promise.all(Object.values(clients).map((client) => client.close()));
        await sandbox.close();
      }
    },
    PROPERTY_TIMEOUT_MS,
  );
});

describe('the GET URL limit (over 4,000 characters, nothing is sent)', () => {
  const GET_CASES = TRANSPORT_CASES.filter((c) => c.name === 'get');

  it.each(GET_CASES.map((c) => ({ c, label: c.label })))(
    '$label: a message is sent exactly when the full URL is at most 4,000 characters',
    async ({ c }) => {
      const sandbox = await startSandbox();
      const client = clientFor(c, 'undici', sandbox.url);
      let run = 0;
      try {
        await fc.assert(
          fc.asyncProperty(
            fc.string({ unit: 'grapheme', maxLength: 8 }).filter((p) => p.isWellFormed()),
            fc.integer({ min: 3_950, max: 4_050 }),
            async (prefix, target) => {
              const destination = `url-${run++}`;
              // The URL as the wire matrix pins it down, with the reference encoder.
              const urlFor = (message: string) =>
                `${sandbox.url}/api/http/?${referenceForm([
                  ['class', 'chat'],
                  ['method', 'sendmessage'],
                  ['user', DEMO.user],
                  ['password', DEMO.password],
                  ['platform', 'whatsapp'],
                  ['platformid', '100'],
                  ['destination', destination],
                  ['message', message],
                ])}`;
              const filler = target - urlFor(prefix).length;
              fc.pre(filler >= 1);
              const message = prefix + 'a'.repeat(filler);
              expect(urlFor(message)).toHaveLength(target);
              const sent = () =>
                sandbox.messages(DEMO.user).filter((m) => m.destination === destination);
              const attempt = client.sendMessage({
                platform: 'whatsapp',
                platformId: '100',
                destination,
                message,
              });
              if (target <= 4_000) {
                await attempt;
                expect(sent().map((m) => m.message)).toEqual([message]);
              } else {
                const error = await failureOf(attempt);
                expect(error).toBeInstanceOf(AfilnetValidationError);
                expect((error as AfilnetValidationError).code).toBe('URL_TOO_LONG');
                expect((error as AfilnetValidationError).message).toMatch(/post/i);
                expect(sent()).toEqual([]);
              }
            },
          ),
          { numRuns: RUNS },
        );
      } finally {
        await client.close();
        await sandbox.close();
      }
    },
    PROPERTY_TIMEOUT_MS,
  );
});

describe('core decoders given arbitrary payloads', () => {
  const payloadArbitrary: fc.Arbitrary<WirePayload> = fc.oneof(
    envelopeArbitrary.map((value): WirePayload => ({ kind: 'envelope', value })),
    fc.string().map((reason): WirePayload => ({ kind: 'unparseable', reason })),
    fc
      .record({ faultCode: fc.string(), faultString: fc.string() })
      .map((f): WirePayload => ({ kind: 'fault', ...f })),
  );

  it('decodeResponse answers the documented shape or throws a typed error', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...METHODS),
        fc.integer({ min: 100, max: 599 }),
        payloadArbitrary,
        (method, httpStatus, payload) => {
          let result: unknown;
          try {
            result = decodeResponse(method, { httpStatus, payload });
          } catch (error) {
            expectTypedFailure(error);
            if (error instanceof AfilnetTransportError) {
              // An answer came back, so a send's request was written; a read never "may have been
              // sent", and neither was a send a rate limit refused (HTTP 429) before acting on it.
              expect(error.mayHaveBeenSent).toBe(CHAT_METHODS[method].isSend && httpStatus !== 429);
            }
            return;
          }
          expect(httpStatus >= 200 && httpStatus < 300, 'only a 2xx answer succeeds').toBe(true);
          expectDocumentedShape(method, result);
        },
      ),
      {
        numRuns: RUNS,
        // A rate limit's refusal written as a SOAP Fault: once found only by chance.
        examples: [['sendmessage', 429, { kind: 'fault', faultCode: '', faultString: '' }]],
      },
    );
  });

  it('parseJsonPayload never throws, and keeps what JSON.parse reads', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary' }),
          fc.json(),
          fc.json().map((j) => `\ufeff${j}`),
        ),
        (body) => {
          const payload = parseJsonPayload(body);
          expect(['envelope', 'unparseable']).toContain(payload.kind);
          let parsed: unknown;
          let parses = true;
          try {
            parsed = JSON.parse(body.charCodeAt(0) === 0xfeff ? body.slice(1) : body);
          } catch {
            parses = false;
          }
          expect(payload.kind).toBe(parses ? 'envelope' : 'unparseable');
          if (parses && payload.kind === 'envelope') expect(payload.value).toEqual(parsed);
        },
      ),
      { numRuns: RUNS },
    );
  });
});

describe('response headers read one at a time', () => {
  // Names as a server may spell them (any case, repeated) among others, as undici hands them:
  // latin1 buffers, or strings from a dispatcher of the user's.
  const nameArbitrary = fc.oneof(
    fc
      .constantFrom(
        'content-length',
        'retry-after',
        'content-type',
        'www-authenticate',
        '__proto__',
      )
      .chain((name) =>
        fc
          .array(fc.boolean(), { minLength: name.length, maxLength: name.length })
          .map((upper) => [...name].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join('')),
      ),
    fc.string({ unit: 'binary-ascii', maxLength: 20 }),
    fc.string({ maxLength: 16 }),
  );
  const rawArbitrary = fc
    .array(
      fc.tuple(nameArbitrary, fc.string({ unit: 'binary-ascii', maxLength: 12 }), fc.boolean()),
      { maxLength: 12 },
    )
    .map((pairs) =>
      pairs.flatMap(
        ([name, value, asBuffer]): Array<Buffer | string> =>
          asBuffer ? [Buffer.from(name, 'latin1'), Buffer.from(value, 'latin1')] : [name, value],
      ),
    );

  it('headerValue gives what flattenHeaders gives for that name', () => {
    fc.assert(
      fc.property(
        rawArbitrary,
        fc.constantFrom('content-length', 'retry-after', 'content-type', 'www-authenticate'),
        (raw, name) => {
          const flat = flattenHeaders(raw, undiciUtil.headerNameToString);
          const expected = Object.hasOwn(flat, name) ? flat[name] : undefined;
          expect(headerValue(raw, name, undiciUtil.headerNameToString)).toBe(expected);
        },
      ),
      { numRuns: RUNS * 10 },
    );
  });
});

/** Answers with the generated status, content type and bytes. */
function arbitraryBehaviour(current: { answer: ArbitraryAnswer | undefined }): Behaviour {
  return ({ res }) => {
    const answer = current.answer as ArbitraryAnswer;
    res.writeHead(answer.status, {
      'content-type': answer.contentType,
      'content-length': answer.body.length,
    });
    res.end(Buffer.from(answer.body));
  };
}

describe('every flavour × executor given arbitrary answers by a real server', () => {
  let server: MisbehavingServer;
  const current: { answer: ArbitraryAnswer | undefined } = { answer: undefined };
  beforeAll(async () => {
    server = await startMisbehavingServer(arbitraryBehaviour(current));
  });
  afterAll(async () => {
    await server.close();
  });

  const SAMPLES = SAMPLE_CALLS.filter((s) =>
    ['sendmessage', 'getchatchannels', 'getmessages'].includes(s.method),
  );

  it.each(TRANSPORT_CASES.map((c) => ({ c, label: c.label })))(
    '$label: the API answer',
    async ({ c }) => {
      const clients = EXECUTORS.map((executor) =>
        clientFor(c, executor, server.url, {
          retry: false,
          timeoutMs: 5_000,
          maxResponseBytes: 64 * 1024,
        }),
      );
      try {
        await fc.assert(
          fc.asyncProperty(
            fc
              .constantFrom(...SAMPLES)
              .chain((sample) => fc.tuple(fc.constant(sample), answerArbitrary(sample.method))),
            fc.constantFrom(...clients),
            async ([sample, answer], client) => {
              current.answer = answer;
              let result: unknown;
              try {
                result = await invoke(client, sample);
              } catch (error) {
                expectTypedFailure(error);
                expectNoSecrets(error, DEMO_SECRETS);
                if (error instanceof AfilnetTransportError) {
                  // A 429 is the server refusing the request: nothing was delivered.
                  const refused = error.code === 'RATE_LIMITED';
                  expect(error.mayHaveBeenSent, 'the request was written').toBe(
                    CHAT_METHODS[sample.method].isSend && !refused,
                  );
                }
                return;
              }
              expect(
                answer.status >= 200 && answer.status < 300,
                `success on HTTP ${answer.status}`,
              ).toBe(true);
              expectDocumentedShape(sample.method, result);
            },
          ),
          { numRuns: RUNS },
        );
      } finally {
        await Promise.all(clients.map((client) => client.close()));
      }
    },
    PROPERTY_TIMEOUT_MS,
  );

  const TOKEN_CASES = TRANSPORT_CASES.filter((c) => c.name === 'json-oauth');
  it.each(TOKEN_CASES.map((c) => ({ c, label: c.label })))(
    '$label: the token endpoint answer',
    async ({ c }) => {
      const tokenAnswer: { answer: ArbitraryAnswer | undefined } = { answer: undefined };
      const tokenServer = await startMisbehavingServer(({ res }) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"status":"success"}');
      });
      tokenServer.setTokenBehaviour(arbitraryBehaviour(tokenAnswer));
      const tokenBody = fc.oneof(
        answerArbitrary('sendmessage'),
        fc
          .record(
            {
              access_token: fc.oneof(fc.string(), fc.jsonValue({ maxDepth: 1 })),
              token_type: fc.oneof(
                fc.constantFrom('Bearer', 'bearer', 'DPoP', ''),
                fc.jsonValue({ maxDepth: 1 }),
              ),
              expires_in: fc.oneof(
                fc.integer({ min: -10, max: 100_000 }),
                fc.string(),
                fc.double(),
                fc.constant(null),
              ),
              error: fc.oneof(
                fc.constantFrom('invalid_client', 'invalid_grant', ''),
                fc.jsonValue({ maxDepth: 1 }),
              ),
            },
            { requiredKeys: [] },
          )
          .chain((json) =>
            fc.record({
              status: fc.constantFrom(200, 400, 401, 500),
              contentType: fc.constant('application/json'),
              body: fc.constant(new Uint8Array(Buffer.from(JSON.stringify(json)))),
            }),
          ),
      );
      try {
        await fc.assert(
          fc.asyncProperty(tokenBody, fc.constantFrom(...EXECUTORS), async (answer, executor) => {
            tokenAnswer.answer = answer;
            // A new client per run: a token cached by an earlier run would skip the endpoint.
            const client = clientFor(c, executor, tokenServer.url, {
              retry: false,
              timeoutMs: 5_000,
              maxResponseBytes: 64 * 1024,
            });
            try {
              await client.sendMessage({
                platform: 'whatsapp',
                platformId: '100',
                destination: '34600000000',
                message: 'x',
              });
            } catch (error) {
              expectTypedFailure(error);
              expectNoSecrets(error, DEMO_SECRETS);
              // The token request failed, so the message itself was never sent.
              if (error instanceof AfilnetTransportError) expect(error.mayHaveBeenSent).toBe(false);
            } finally {
              await client.close();
            }
          }),
          { numRuns: RUNS },
        );
      } finally {
        await tokenServer.close();
      }
    },
    PROPERTY_TIMEOUT_MS,
  );
});
