/**
 * Starting the sandbox (SPEC §5): an in-process HTTP server on loopback that serves every
 * flavour of the API over one shared, stateful store.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Door } from './door.js';
import { createBasicDoor } from './doors/basic-door.js';
import { createHttpDoor } from './doors/http-door.js';
import { createInboundDoor } from './doors/inbound-door.js';
import { createJsonDoor, type ExternalTokenVerifier } from './doors/json-door.js';
import { createOAuthMetadataDoor } from './doors/oauth-metadata-door.js';
import { createOAuthTokenDoor } from './doors/oauth-token-door.js';
import { createSoapDoor } from './doors/soap-door.js';
import { injectInbound, type InboundMessage } from './inject-inbound.js';
import { DpopProofVerifier } from './oauth/dpop-proof.js';
import { TokenRegistry } from './oauth/token-registry.js';
import { BodyTooLargeError, readRequestBody } from './read-request-body.js';
import { sendText } from './respond.js';
import { DEMO_ACCOUNT, SandboxState, type SandboxAccount, type StoredMessage } from './sandbox-state.js';

/** Options of {@link startSandbox}. */
export interface SandboxOptions {
  /** Defaults to `127.0.0.1`. */
  readonly host?: string;
  /** Defaults to 0: a free port chosen by the OS. */
  readonly port?: number;
  /** Accounts besides the seeded `demo@example.com`. */
  readonly accounts?: readonly SandboxAccount[];
  /** The largest request body accepted, in bytes (1 MiB). */
  readonly maxRequestBytes?: number;
  /** The `expires_in` of the access tokens `/api/oauth/token` issues, in seconds (3600). */
  readonly tokenLifetimeSeconds?: number;
  /**
   * Makes `/api/json/` also accept tokens of another authorization server: called with each
   * token the sandbox did not issue, it answers the account the token opens, or `undefined`.
   */
  readonly verifyExternalToken?: ExternalTokenVerifier;
}

/** A running sandbox. */
export interface Sandbox {
  /** `http://127.0.0.1:PORT`: the `baseUrl` for clients. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** Injects an inbound message, as if the contact had written (SPEC §5). */
  injectInbound(message: InboundMessage): StoredMessage;
  /** Every stored message of `user` (of every account when left out), oldest first. */
  messages(user?: string): StoredMessage[];
  /** Revokes every access token issued so far: `/api/json/` then answers `invalid_token`. */
  revokeTokens(): void;
  /** Stops the server and closes every connection. */
  close(): Promise<void>;
}

/**
 * Starts a sandbox.
 *
 * @throws {Error} when the port cannot be bound.
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const host = options.host ?? '127.0.0.1';
  const maxRequestBytes = options.maxRequestBytes ?? 1024 * 1024;
  const state = new SandboxState([DEMO_ACCOUNT, ...(options.accounts ?? [])]);
  const tokens = new TokenRegistry(options.tokenLifetimeSeconds ?? 3600);
  const proofs = new DpopProofVerifier();
  const doors: Door[] = [
    createHttpDoor(),
    createBasicDoor(),
    createSoapDoor(),
    createInboundDoor(),
    createOAuthTokenDoor(tokens, proofs),
    createOAuthMetadataDoor(),
    createJsonDoor(tokens, proofs, options.verifyExternalToken),
  ];
  const byPath = new Map(doors.map((d) => [d.path, d]));

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', `http://${host}`);
    const door = byPath.get(url.pathname);
    if (!door) {
      req.resume();
      sendText(res, 404, 'Not Found');
      return;
    }
    let body = '';
    try {
      body = req.method === 'GET' || req.method === 'HEAD' ? '' : await readRequestBody(req, maxRequestBytes);
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        sendText(res, 413, 'Payload Too Large', { connection: 'close' });
        req.destroy();
        return;
      }
      throw error;
    }
    await door.handle(req, res, { state, url, body });
  }

  const server = createServer({ keepAlive: true }, (req, res) => {
    route(req, res).catch(() => {
      if (!res.headersSent) sendText(res, 500, 'Internal Server Error');
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 30_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  return {
    url: `http://${urlHost}:${port}`,
    host,
    port,
    injectInbound: (message) => injectInbound(state, message),
    messages: (user) => state.messages(user),
    revokeTokens: () => tokens.revokeAll(),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
