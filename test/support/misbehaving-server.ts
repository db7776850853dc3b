/**
 * A real HTTP server on 127.0.0.1 that misbehaves on purpose: it resets connections, stalls,
 * streams endless bodies or answers garbage, on every path a transport may use. The token
 * endpoint (`/api/oauth/token`, json-oauth's default) answers a valid bearer token unless told otherwise,
 * so that a fault meant for the API call is not swallowed by the token request.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect, createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';

/** The token endpoint's default path: `baseUrl + '/api/oauth/token'`. */
export const TOKEN_PATH = '/api/oauth/token';

/** One request as the misbehaving server read it (its body read whole before answering). */
export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

/** How the server answers one request. It may write, stall, or destroy the socket. */
export type Behaviour = (exchange: Exchange) => void | Promise<void>;

export interface Exchange {
  readonly request: ReceivedRequest;
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  /** Counts bytes of a streamed body, for memory-bound checks. */
  readonly stats: ServerStats;
}

export interface ServerStats {
  /** API requests received (token requests excluded). */
  apiRequests: number;
  /** Token requests received. */
  tokenRequests: number;
  /** Body bytes accepted by the socket in streaming behaviours. */
  bytesStreamed: number;
  /** Every request received, in order. */
  readonly requests: ReceivedRequest[];
}

export interface MisbehavingServer {
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  readonly stats: ServerStats;
  /** Changes how API requests are answered from now on. */
  setBehaviour(behaviour: Behaviour): void;
  /** Changes how token requests are answered from now on. */
  setTokenBehaviour(behaviour: Behaviour): void;
  /** Destroys every connection and stops listening. */
  close(): Promise<void>;
}

/**
 * What every bearer token the default token endpoint issues starts with: distinctive, so that
 * leak scans find any of them. Each token is new (`…-1`, `…-2`), as a real server's are.
 */
export const ISSUED_TOKEN_PREFIX = 'tok-3f9c2a7e-LEAKCHECK-b81d';

/** The default token endpoint: a valid RFC 6749 §5.1 answer with a fresh token. */
export const validToken: Behaviour = ({ res, stats }) => {
  res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(
    JSON.stringify({
      access_token: `${ISSUED_TOKEN_PREFIX}-${stats.tokenRequests}`,
      token_type: 'Bearer',
      expires_in: 3600,
    }),
  );
};

/** Starts a server answering API requests with `behaviour` and token requests with a valid token. */
export async function startMisbehavingServer(behaviour: Behaviour): Promise<MisbehavingServer> {
  let apiBehaviour = behaviour;
  let tokenBehaviour: Behaviour = validToken;
  const stats: ServerStats = { apiRequests: 0, tokenRequests: 0, bytesStreamed: 0, requests: [] };
  const sockets = new Set<Socket>();

  const server = createServer({ keepAlive: true }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('error', () => undefined);
    req.on('end', () => {
      const request: ReceivedRequest = {
        method: req.method ?? '',
        path: req.url ?? '/',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      stats.requests.push(request);
      const isToken = new URL(request.path, 'http://127.0.0.1').pathname === TOKEN_PATH;
      if (isToken) stats.tokenRequests++;
      else stats.apiRequests++;
      const run = isToken ? tokenBehaviour : apiBehaviour;
      Promise.resolve(run({ request, req, res, stats })).catch(() => res.destroy());
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    // A client that goes away mid-answer must not crash the server.
    socket.on('error', () => undefined);
  });
  server.on('clientError', (_error, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    stats,
    setBehaviour: (next) => {
      apiBehaviour = next;
    },
    setTokenBehaviour: (next) => {
      tokenBehaviour = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A URL on 127.0.0.1 where nothing listens, held so until `close()`. */
export interface RefusedUrl {
  readonly url: string;
  /** Lets the port go. */
  close(): Promise<void>;
}

/**
 * A URL on 127.0.0.1 where nothing listens, and nothing can start to while it is held: its port
 * is the local end of an open connection to a server of our own. A port bound and released
 * instead could be taken by any server other tests start meanwhile, and the "refused"
 * connection would then be answered.
 */
export async function holdRefusedUrl(): Promise<RefusedUrl> {
  const peers = new Set<Socket>();
  const server = createTcpServer((socket) => {
    peers.add(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  const holder = connect(port, '127.0.0.1');
  holder.on('error', () => undefined);
  await new Promise<void>((resolve) => holder.once('connect', () => resolve()));
  return {
    url: `http://127.0.0.1:${holder.localPort}`,
    close: () =>
      new Promise<void>((resolve) => {
        holder.destroy();
        for (const peer of peers) peer.destroy();
        server.close(() => resolve());
      }),
  };
}

// ---------------------------------------------------------------------------------------------
// Behaviours

/** Answers `status` with `body` and `content-type`. */
export function answer(
  status: number,
  contentType: string,
  body: string,
  headers: Record<string, string> = {},
): Behaviour {
  return ({ res }) => {
    res.writeHead(status, {
      'content-type': contentType,
      'content-length': Buffer.byteLength(body),
      ...headers,
    });
    res.end(body);
  };
}

/** Destroys the connection once the whole request has arrived: no status line is ever sent. */
export const resetConnection: Behaviour = ({ req }) => {
  req.socket.destroy();
};

/** Reads the request and never answers (the client's deadline must end the call). */
export const stallBeforeHeaders: Behaviour = () => undefined;

/** Sends the status line, headers and a first part of the body, then stalls. */
export function stallMidBody(contentType: string, firstPart: string): Behaviour {
  return ({ res }) => {
    res.writeHead(200, {
      'content-type': contentType,
      'content-length': Buffer.byteLength(firstPart) + 1000,
    });
    res.write(firstPart);
  };
}

/** Declares a body longer than what it sends, then closes: a body cut short by the connection. */
export function cutBody(contentType: string, firstPart: string): Behaviour {
  return ({ res, req }) => {
    res.writeHead(200, {
      'content-type': contentType,
      'content-length': Buffer.byteLength(firstPart) + 500,
    });
    res.write(firstPart, () => setTimeout(() => req.socket.destroy(), 10));
  };
}

/** The most a streaming behaviour ever sends, so that it stops by itself even if nobody reads. */
export const STREAM_CEILING_BYTES = 1024 * 1024 * 1024;

/**
 * Streams an endless-looking body (chunked, or with a declared length of `STREAM_CEILING_BYTES`)
 * honouring backpressure, until the client goes away or the ceiling is reached. `stats.bytesStreamed`
 * then tells how much the client let through: a client that buffered the whole body would
 * have read the ceiling.
 */
export function hugeBody(contentType: string, options: { declareLength: boolean }): Behaviour {
  return async ({ res, stats }) => {
    res.writeHead(200, {
      'content-type': contentType,
      ...(options.declareLength ? { 'content-length': String(STREAM_CEILING_BYTES) } : {}),
    });
    const chunk = Buffer.alloc(64 * 1024, contentType.includes('json') ? 0x20 : 0x61);
    let closed = false;
    res.on('close', () => {
      closed = true;
    });
    while (!closed && stats.bytesStreamed < STREAM_CEILING_BYTES) {
      const more = res.write(chunk);
      stats.bytesStreamed += chunk.length;
      if (!more) {
        await new Promise<void>((resolve) => {
          const done = () => {
            res.off('drain', done);
            res.off('close', done);
            resolve();
          };
          res.on('drain', done);
          res.on('close', done);
        });
      }
    }
    if (!closed) res.end();
  };
}

/**
 * Sends the status line and headers, then one byte of body every `everyMs`, never silent long
 * enough for a body-silence timeout: only the call's deadline can end it. Stops by itself after
 * `maxMs` or when the client goes away.
 */
export function trickleBody(
  contentType: string,
  options: { everyMs: number; maxMs: number },
): Behaviour {
  return ({ res }) => {
    res.writeHead(200, { 'content-type': contentType });
    const started = Date.now();
    const timer = setInterval(() => {
      if (res.destroyed || Date.now() - started > options.maxMs) {
        clearInterval(timer);
        if (!res.destroyed) res.end();
        return;
      }
      res.write(' ');
    }, options.everyMs);
    res.on('close', () => clearInterval(timer));
  };
}

/** Answers bytes that are not HTTP at all, then closes. */
export const notHttp: Behaviour = ({ req }) => {
  req.socket.end('SSH-2.0-OpenSSH_9.6\r\nthis is not an HTTP response\r\n\r\n');
};
