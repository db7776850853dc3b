/**
 * One sandbox per test file, started before its tests and closed after them, with the local
 * servers the file opens on 127.0.0.1 port 0 (closed with it) and a handler relaying to it.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';
import { startSandbox, type Sandbox, type SandboxOptions } from '@afilnet-chat/sandbox';

/** What {@link useSandbox} gives a test file. */
export interface SandboxFixture {
  /** The running sandbox (from the file's `beforeAll` on). */
  readonly sandbox: Sandbox;
  /** Starts a server closed with the sandbox; answers its URL and the server. */
  listen(
    handler: (req: IncomingMessage, res: ServerResponse) => void,
  ): Promise<{ url: string; server: Server }>;
  /** A request handler that relays each request to the sandbox and its answer back. */
  forward(req: IncomingMessage, res: ServerResponse): Promise<void>;
}

/** Registers the file's `beforeAll`/`afterAll` for a sandbox started with `options`. */
export function useSandbox(options: SandboxOptions = {}): SandboxFixture {
  let running: Sandbox | undefined;
  const servers: Server[] = [];

  beforeAll(async () => {
    running = await startSandbox(options);
  });

  afterAll(async () => {
    await Promise.all(
      servers.map(
        (server) =>
          new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeAllConnections();
          }),
      ),
    );
    await running?.close();
  });

  const fixture: SandboxFixture = {
    get sandbox(): Sandbox {
      if (running === undefined) throw new Error('the sandbox starts in beforeAll');
      return running;
    },
    async listen(handler) {
      const server = createServer(handler);
      servers.push(server);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
    },
    async forward(req, res) {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const upstream = await fetch(`${fixture.sandbox.url}${req.url ?? '/'}`, {
        method: req.method ?? 'GET',
        headers: { 'content-type': req.headers['content-type'] ?? 'application/octet-stream' },
        ...(req.method === 'GET' ? {} : { body: Buffer.concat(chunks) }),
      });
      res.writeHead(upstream.status, {
        'content-type': upstream.headers.get('content-type') ?? 'text/plain',
      });
      res.end(Buffer.from(await upstream.arrayBuffer()));
    },
  };
  return fixture;
}
