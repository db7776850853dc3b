/**
 * An undici dispatcher with no socket, for measuring the client's own CPU time: it answers every
 * request at once with the responder's canned envelope, calling the handler as undici's HTTP/1.1
 * client does (onConnect, onHeaders with raw header buffers, one onData, onComplete). And the
 * limit's minimal handler (bench/subjects/raw-dispatch-subject.mjs) over it.
 */
import { CANNED } from '../responder/canned-bodies.mjs';

/** The raw header list undici hands a handler for one of the responder's answers. */
function rawHeadersOf(canned) {
  const list = [];
  const headers = {
    ...canned.headers,
    date: new Date().toUTCString(),
    connection: 'keep-alive',
    'keep-alive': 'timeout=30',
  };
  for (const [name, value] of Object.entries(headers))
    list.push(Buffer.from(name, 'latin1'), Buffer.from(value, 'latin1'));
  return list;
}

/** The canned answers as undici hands them to a handler. */
export const ANSWERS = Object.fromEntries(
  Object.entries(CANNED).map(([name, canned]) => [
    name,
    { raw: rawHeadersOf(canned), body: canned.body },
  ]),
);

function answerFor(opts) {
  if (opts.path.startsWith('/api/oauth/token')) return ANSWERS.token;
  const body = typeof opts.body === 'string' ? opts.body : (opts.body?.toString('latin1') ?? '');
  const send = opts.path.includes('sendmessage') || body.includes('sendmessage');
  if (opts.path.startsWith('/api/soap/')) return send ? ANSWERS.soapNone : ANSWERS.soapChannels;
  return send ? ANSWERS.jsonNone : ANSWERS.jsonChannels;
}

/**
 * A dispatcher that answers at once, calling the handler as undici's HTTP/1.1 client does
 * (onConnect, onHeaders with raw buffers, one onData, onComplete), with no socket.
 */
export const memoryDispatcher = {
  dispatch(opts, handler) {
    const answer = answerFor(opts);
    handler.onConnect(() => undefined);
    handler.onHeaders(200, answer.raw, () => undefined, 'OK');
    handler.onData(Buffer.from(answer.body));
    handler.onComplete([]);
    return true;
  },
  close: async () => undefined,
  destroy: async () => undefined,
};

/**
 * The limit's handler (bench/subjects/raw-dispatch-subject.mjs) over `dispatcher`: gathers the
 * body chunks and decodes them once as text.
 */
export function dispatchText(dispatcher, opts) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    dispatcher.dispatch(opts, {
      onConnect() {},
      onHeaders: () => true,
      onData: (chunk) => chunks.push(chunk) > 0,
      onComplete: () =>
        resolve(
          chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8'),
        ),
      onError: reject,
    });
  });
}

/** The limit's handler over the same in-memory dispatcher. */
export function rawDispatch(opts) {
  return dispatchText(memoryDispatcher, opts);
}

/** The request each method's limit subject dispatches: a POST to a port no one serves, answered from memory. */
export const RAW_REQUESTS = {
  getchatchannels: {
    origin: 'http://127.0.0.1:9',
    path: '/api/http/',
    method: 'POST',
    headers: {},
    body: Buffer.from('getchatchannels'),
  },
  sendmessage: {
    origin: 'http://127.0.0.1:9',
    path: '/api/http/',
    method: 'POST',
    headers: {},
    body: Buffer.from('sendmessage'),
  },
};
