/**
 * `node --import tsx bench/profiling/call-steps.mjs [--filter REGEX]`: what each step of one
 * call costs in CPU time, measured in process with mitata, without any I/O.
 *
 * - The steps one by one, from core's sources: input validation, each transport's encoding, the
 *   deadline, the abort race (the retry wrapper's per-attempt cost), the telemetry check with
 *   `@opentelemetry/api` loaded and no SDK, response header flattening, the dispatch handler's
 *   life (headers, one chunk, completion), JSON reading and result decoding.
 * - The whole call, from the built packages as an app runs them: `createChatClient` over a
 *   `dispatcher` that answers every request synchronously with the responder's canned envelope
 *   (what undici hands a handler: raw header buffers and one body chunk), next to the limit's
 *   minimal handler over the same dispatcher. Their difference is what the client adds to the
 *   HTTP exchange; the exchange itself (undici, the socket) is what bench/run.mjs measures.
 *
 * mitata times each step on one core; the report gives its median and fastest sample per
 * iteration. On the shared machine read the differences between rows of one run.
 */
import { bench, do_not_optimize, group, run } from 'mitata';
import { util as undiciUtil } from 'undici';
import { createChatClient } from '@afilnet-chat/core';
import { CANNED } from '../responder/canned-bodies.mjs';
import {
  ANSWERS,
  RAW_REQUESTS as wire,
  memoryDispatcher,
  rawDispatch,
} from './memory-dispatcher.mjs';
import { CREDENTIALS, SEND_MESSAGE_INPUT } from '../subjects/bench-input.mjs';
import { toWireRequest } from '../../packages/core/src/wire/input-schemas.ts';
import { createFormEncoder } from '../../packages/core/src/wire/form.ts';
import { parseJsonPayload } from '../../packages/core/src/wire/parse-json-payload.ts';
import { decodeResponse } from '../../packages/core/src/wire/decode-response.ts';
import { createDeadlineClock } from '../../packages/core/src/retry/call-deadline.ts';
import { flattenHeaders, headerValue } from '../../packages/core/src/http/flatten-headers.ts';
import { BufferedResponse } from '../../packages/core/src/http/buffered-response.ts';
import { createClientTelemetry } from '../../packages/core/src/telemetry/call-telemetry.ts';
import { encodeEnvelope } from '../../packages/transport-soap/src/encode-envelope.ts';
import { encodeUsernameToken } from '../../packages/transport-soap/src/encode-username-token.ts';

const args = { filter: '' };
for (let i = 2; i < process.argv.length; i += 2)
  args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];

const TRANSPORTS = ['get', 'post', 'basic', 'soap', 'json-oauth'];

const sendRequest = toWireRequest('sendmessage', SEND_MESSAGE_INPUT);
const channelsRequest = toWireRequest('getchatchannels', undefined);
const formEncode = createFormEncoder(CREDENTIALS);
const textToken = encodeUsernameToken(CREDENTIALS);
const channelsBody = CANNED.jsonChannels.body.toString();
const noneBody = CANNED.jsonNone.body.toString();
const clock = createDeadlineClock();
const telemetry = createClientTelemetry('post', undefined);
await telemetry.prepare();

group('steps of one call (sendmessage unless named)', () => {
  bench('validation: toWireRequest(sendmessage)', () =>
    do_not_optimize(toWireRequest('sendmessage', SEND_MESSAGE_INPUT)),
  );
  bench('validation: toWireRequest(getchatchannels)', () =>
    do_not_optimize(toWireRequest('getchatchannels', undefined)),
  );
  bench('encoding: form (get, post, basic)', () => do_not_optimize(formEncode(sendRequest)));
  bench('encoding: SOAP envelope, PasswordText', () =>
    do_not_optimize(encodeEnvelope(sendRequest, textToken)),
  );
  bench('encoding: JSON body (json-oauth)', () =>
    do_not_optimize(JSON.stringify(Object.fromEntries(sendRequest.params))),
  );
  bench('deadline: clock.start() + dispose()', () => {
    const deadline = clock.start(30_000, undefined);
    deadline.dispose();
  });
  bench('telemetry check: startCall() with the API loaded, no SDK', () =>
    do_not_optimize(telemetry.startCall('sendmessage')),
  );
  bench('header flattening: 5 response headers', () =>
    do_not_optimize(flattenHeaders(ANSWERS.jsonNone.raw, undiciUtil.headerNameToString)),
  );
  bench('header lookup: Content-Length alone, what the handler reads', () =>
    do_not_optimize(
      headerValue(ANSWERS.jsonNone.raw, 'content-length', undiciUtil.headerNameToString),
    ),
  );
  bench('dispatch handler: BufferedResponse, headers + 1 chunk + complete', async () => {
    const deadline = clock.start(30_000, undefined);
    const response = new BufferedResponse(
      deadline,
      1 << 20,
      'http://127.0.0.1/api/http/',
      undiciUtil.headerNameToString,
    );
    response.onConnect(() => undefined);
    response.onHeaders(200, ANSWERS.jsonNone.raw);
    response.onData(ANSWERS.jsonNone.body);
    response.onComplete();
    do_not_optimize(await response.promise);
    deadline.dispose();
  });
  bench("the limit's handler, same answer", () =>
    rawDispatch({
      origin: 'http://127.0.0.1',
      path: '/api/http/',
      method: 'POST',
      body: 'sendmessage',
    }),
  );
  bench('decoding: parseJsonPayload(channel list)', () =>
    do_not_optimize(parseJsonPayload(channelsBody)),
  );
  bench('decoding: decodeResponse(getchatchannels)', () =>
    do_not_optimize(
      decodeResponse('getchatchannels', {
        httpStatus: 200,
        payload: parseJsonPayload(channelsBody),
      }),
    ),
  );
  bench('decoding: parse + decodeResponse(sendmessage)', () =>
    do_not_optimize(
      decodeResponse('sendmessage', { httpStatus: 200, payload: parseJsonPayload(noneBody) }),
    ),
  );
  bench("a call's async frames: 3 awaits of settled promises", async () => {
    const a = async () => 1;
    const b = async () => (await a()) + 1;
    do_not_optimize(await b());
  });
  void channelsRequest;
});

const clients = Object.fromEntries(
  TRANSPORTS.map((transport) => [
    transport,
    createChatClient({
      transport,
      baseUrl: 'http://127.0.0.1:9',
      credentials: CREDENTIALS,
      allowInsecureHttp: true,
      dispatcher: memoryDispatcher,
    }),
  ]),
);
// The first call loads the transport and undici; warnings (GET's) are printed once here.
for (const client of Object.values(clients)) await client.getChatChannels();

// The client's own layers alone (validation, deadline, retry loop, abort race, counting, the
// telemetry check, decoding): a transport that answers at once with a decoded envelope.
const answered = {
  getchatchannels: { httpStatus: 200, payload: parseJsonPayload(channelsBody) },
  sendmessage: { httpStatus: 200, payload: parseJsonPayload(noneBody) },
};
const layersOnly = createChatClient({
  transport: {
    name: 'answers-at-once',
    security: 'high',
    send: async (request) => answered[request.method],
  },
  credentials: CREDENTIALS,
});

group('whole call, no I/O (in-memory dispatcher)', () => {
  for (const method of ['getchatchannels', 'sendmessage']) {
    bench(`limit: minimal handler, ${method}`, () => rawDispatch(wire[method]));
    bench(`client layers alone (a transport that answers at once), ${method}`, () =>
      method === 'sendmessage'
        ? layersOnly.sendMessage(SEND_MESSAGE_INPUT)
        : layersOnly.getChatChannels(),
    );
    for (const transport of TRANSPORTS) {
      const client = clients[transport];
      bench(`client ${transport} ${method}`, () =>
        method === 'sendmessage'
          ? client.sendMessage(SEND_MESSAGE_INPUT)
          : client.getChatChannels(),
      );
    }
  }
});

const filter = args.filter ? new RegExp(args.filter) : undefined;
const { benchmarks } = await run({ ...(filter ? { filter } : {}), format: 'quiet' });
// The median and the fastest sample of each: on a shared machine the average is pulled up by
// whatever else ran; the median is what a call costs, the minimum what it costs undisturbed.
console.log('µs per call: median (min)   step');
for (const trial of benchmarks) {
  const stats = trial.runs[0]?.stats;
  if (stats === undefined) continue;
  console.log(
    `${(stats.p50 / 1000).toFixed(2).padStart(7)} (${(stats.min / 1000).toFixed(2)})   ${trial.alias}`,
  );
}
for (const client of [...Object.values(clients), layersOnly]) await client.close();
