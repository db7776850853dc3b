/**
 * An HTTP proxy on 127.0.0.1 in front of the sandbox that, for a share of requests chosen by a
 * seeded generator (so a failure can be replayed), drops the connection before forwarding (the
 * server never sees the request) or after the server answered (the server acted, the client
 * never hears of it). The rest pass through untouched, unless `intercept` answers in the
 * target's place.
 */
import { createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface ChaosStats {
  /** Requests forwarded to the target, by path (without the query). */
  readonly forwarded: Map<string, number>;
  droppedBefore: number;
  droppedAfter: number;
  passed: number;
}

export interface ChaosProxy {
  readonly url: string;
  readonly stats: ChaosStats;
  close(): Promise<void>;
}

export interface ChaosOptions {
  /** Share of requests dropped before forwarding (0–1). */
  readonly dropBefore: number;
  /** Share of requests dropped after the target answered (0–1). */
  readonly dropAfter: number;
  readonly seed: number;
  /**
   * Answers a request itself instead of forwarding it, when it returns an answer (a 429, say):
   * the target never sees that request. Asked before the drop roll, for every request.
   */
  readonly intercept?: (path: string) => ChaosAnswer | undefined;
}

/** An answer the proxy gives in the target's place. */
export interface ChaosAnswer {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

/** A small deterministic generator (mulberry32): the same seed drops the same requests. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function startChaosProxy(target: string, options: ChaosOptions): Promise<ChaosProxy> {
  const random = seeded(options.seed);
  const targetUrl = new URL(target);
  const stats: ChaosStats = { forwarded: new Map(), droppedBefore: 0, droppedAfter: 0, passed: 0 };
  const sockets = new Set<Socket>();

  const server = createServer({ keepAlive: true }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('error', () => undefined);
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
      const own = options.intercept?.(path);
      if (own !== undefined) {
        res.writeHead(own.status, { 'content-type': 'text/plain', ...own.headers });
        res.end(own.body ?? '');
        return;
      }
      const roll = random();
      if (roll < options.dropBefore) {
        stats.droppedBefore++;
        req.socket.destroy();
        return;
      }
      const dropAfter = roll < options.dropBefore + options.dropAfter;
      stats.forwarded.set(path, (stats.forwarded.get(path) ?? 0) + 1);
      const headers: IncomingHttpHeaders = { ...req.headers, host: targetUrl.host };
      const upstream = httpRequest(
        { host: targetUrl.hostname, port: targetUrl.port, method: req.method, path: req.url, headers },
        (answer) => {
          const body: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => body.push(chunk));
          answer.on('end', () => {
            if (dropAfter) {
              stats.droppedAfter++;
              req.socket.destroy();
              return;
            }
            stats.passed++;
            const { connection: _connection, 'keep-alive': _keepAlive, ...relayed } = answer.headers;
            res.writeHead(answer.statusCode ?? 502, relayed);
            res.end(Buffer.concat(body));
          });
        },
      );
      upstream.on('error', () => req.socket.destroy());
      upstream.end(Buffer.concat(chunks));
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
