/**
 * The benchmark's responder: a tiny node:http server that answers every request with a canned
 * envelope, run in its own process (forked by the runner) so that the clients measured never
 * share an event loop with it. It reads each request whole (as a real server must) and picks the
 * answer with a substring test, never a parser, so that it stays cheap.
 *
 * Protocol over IPC: it sends `{ type: 'listening', port }` once; it answers `{ type: 'cpu', id }`
 * with `{ type: 'cpu', id, usage, requests, connections }` so that the runner can tell the server's CPU cost
 * per call and whether the server, rather than the client, set the pace.
 */
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { CANNED } from './canned-bodies.mjs';

const WSDL = Buffer.from(readFileSync(new URL('./chat.wsdl', import.meta.url), 'utf8'));

// Method names that answer "nothing": our sendmessage, and the official package's SMS send,
// which stands in for it (that package has no chat class).
const SEND_MARKERS = ['sendmessage', 'sendsms'];

function isSend(text) {
  return text.includes(SEND_MARKERS[0]) || text.includes(SEND_MARKERS[1]);
}

let requests = 0;
let connections = 0;

function pick(req, bodyText) {
  const url = req.url ?? '/';
  if (url.startsWith('/api/oauth/token')) return CANNED.token;
  const soap = url.startsWith('/api/soap/');
  const send = isSend(url) || isSend(bodyText);
  if (soap) return send ? CANNED.soapNone : CANNED.soapChannels;
  return send ? CANNED.jsonNone : CANNED.jsonChannels;
}

const server = createServer({ keepAliveTimeout: 30_000 }, (req, res) => {
  requests++;
  if (req.method === 'GET' && req.url?.includes('?wsdl')) {
    res.writeHead(200, {
      'content-type': 'text/xml; charset=utf-8',
      'content-length': String(WSDL.length),
    });
    res.end(WSDL);
    return;
  }
  let text = '';
  req.setEncoding('latin1');
  req.on('data', (chunk) => {
    text += chunk;
  });
  req.on('end', () => {
    const answer = pick(req, text);
    res.writeHead(200, answer.headers);
    res.end(answer.body);
  });
});

// Counted so that the report can tell which clients reuse connections and which open one per call.
server.on('connection', () => {
  connections++;
});

// Many idle keep-alive sockets from 64-way runs must never be refused.
server.maxConnections = 10_000;
server.headersTimeout = 60_000;
server.requestTimeout = 60_000;

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.send?.({ type: 'listening', port: address.port });
});

process.on('message', (message) => {
  if (message?.type === 'cpu')
    process.send?.({
      type: 'cpu',
      id: message.id,
      usage: process.cpuUsage(),
      requests,
      connections,
    });
  if (message?.type === 'stop') server.close(() => process.exit(0));
});

// The runner owns this process: when it goes, so does the responder.
process.on('disconnect', () => process.exit(0));
