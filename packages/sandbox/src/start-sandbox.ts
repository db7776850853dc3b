/**
 * Starting the sandbox: an in-process HTTP server on loopback that serves every
 * flavour of the API over one shared, stateful store, with a web inbox, an event stream, a
 * control API and chaos rules beside it.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type ApiDoor,
  apiRequestOf,
  createBasicDoor,
  createHttpDoor,
  createJsonDoor,
  createOAuthMetadataDoor,
  createOAuthTokenDoor,
  createSoapDoor,
  type ExternalTokenVerifier,
  recordApiCall,
} from './api/index.js';
import { answerUnderChaos } from './chaos/answer-under-chaos.js';
import { parseChaosRules, type ChaosRule } from './chaos/chaos-rule.js';
import { ChaosRules, describeFault } from './chaos/chaos-rules.js';
import {
  addChannels,
  type AddChannelsInput,
  type AddChannelsResult,
  type BulkInboundInput,
  type BulkInboundResult,
  type ChannelInput,
  createChaosDoor,
  createControlActionDoor,
  createInboundDoor,
  createListDoor,
  createResetDoor,
  type InboundMessage,
  injectInbound,
  injectInboundBulk,
  parseChannelList,
} from './control/index.js';
import { allowedHostNames, isAllowedHost, isLoopbackBinding } from './http/allowed-host.js';
import type { Door } from './http/door.js';
import { BodyTooLargeError, readRequestBody } from './http/read-request-body.js';
import { sendJson, sendText } from './http/respond.js';
import { createEventsDoor, createInboxDoors } from './inbox/index.js';
import { DpopProofVerifier } from './oauth/dpop-proof.js';
import { TokenRegistry } from './oauth/token-registry.js';
import { Journal, type MessageFilter, type RequestFilter } from './state/journal.js';
import { matchesFilter } from './state/match-filter.js';
import type { RequestCountFilter } from './state/request-counts.js';
import type { SandboxMessage, SandboxRequest } from './state/sandbox-event.js';
import { DEMO_ACCOUNT, SandboxState, type SandboxAccount } from './state/sandbox-state.js';

/** Options of {@link startSandbox}. */
export interface SandboxOptions {
  /** Defaults to `127.0.0.1`. */
  readonly host?: string;
  /** Defaults to 0: a free port chosen by the OS. */
  readonly port?: number;
  /** Accounts besides the seeded `demo@example.com`. */
  readonly accounts?: readonly SandboxAccount[];
  /**
   * More channels for the demo account, besides its four (e.g. several WhatsApp numbers); `name`
   * defaults to the platform and id. Checked at start: a bad list throws a `TypeError`.
   */
  readonly channels?: readonly ChannelInput[];
  /** The largest request body accepted, in bytes (1 MiB). */
  readonly maxRequestBytes?: number;
  /** The `expires_in` of the access tokens `/api/oauth/token` issues, in seconds (3600). */
  readonly tokenLifetimeSeconds?: number;
  /**
   * Makes `/api/json/` also accept tokens of another authorization server: called with each
   * token the sandbox did not issue, it answers the account the token opens, or `undefined`.
   */
  readonly verifyExternalToken?: ExternalTokenVerifier;
  /**
   * Host names requests may be addressed to besides loopback names and the bound address, such
   * as a container's name (`['sandbox']`), without port. Every other `Host` is refused with 403:
   * on every route when the sandbox is bound to loopback, on the inbox, event and control routes
   * otherwise (DNS rebinding).
   */
  readonly allowedHosts?: readonly string[];
}

/** Options of {@link Sandbox.waitForMessage}. */
export interface WaitOptions {
  /** How long to wait for a matching message, in milliseconds (5,000). */
  readonly timeoutMs?: number;
}

/** A running sandbox. */
export interface Sandbox {
  /** `http://127.0.0.1:PORT`: the `baseUrl` for clients; the inbox page is at `/`. */
  readonly url: string;
  /** The address it listens on. */
  readonly host: string;
  /** The port it listens on (the one the OS chose, when none was given). */
  readonly port: number;
  /**
   * Injects an inbound message, as if the contact had written; `POST /__sandbox/inbound`.
   *
   * @throws {Error} when a field is missing or the account or channel does not exist.
   */
  injectInbound(message: InboundMessage): SandboxMessage;
  /**
   * Injects many inbound messages at once: a list (`{ user?, messages }`) or generated
   * conversations (`{ user?, generate: { channels?, conversationsPerChannel,
   * messagesPerConversation?, destinationPrefix? } }`), on the demo account unless `user` says
   * otherwise; each message gets its own id and the current date. `POST /__sandbox/inbound/bulk`.
   *
   * @throws {TypeError} naming the field, when the input is not such a request, would store more
   *   than 100,000 messages, or names an account or channel that does not exist; nothing is stored then.
   */
  injectInboundBulk(input: BulkInboundInput): BulkInboundResult;
  /**
   * Adds channels to an account (the demo account unless `user` says otherwise); one it already
   * has is kept as it is. Channels stay until the sandbox closes, across resets. `POST /__sandbox/channels`.
   *
   * @throws {TypeError} naming the field, when the input is not such a request or names no
   *   account; nothing is added then.
   */
  addChannels(input: AddChannelsInput): AddChannelsResult;
  /**
   * The stored messages matching `filter` (every field compared by equality), oldest first;
   * a string means `{ account: user }`. `GET /__sandbox/messages?field=value`.
   */
  messages(filter?: string | MessageFilter): SandboxMessage[];
  /** Changes an account's password (a rotation): the old one is refused from then on. Throws for an unknown user. */
  setPassword(user: string, password: string): void;
  /** The API calls answered since the last reset (the latest 10,000), oldest first; `GET /__sandbox/requests`. */
  requests(filter?: RequestFilter): SandboxRequest[];
  /**
   * How many API calls matching `filter` were answered since the last reset or
   * {@link Sandbox.clearRequests}, by method (`{ getchats: 4, getunreadmessages: 2 }`; methods
   * never called are left out, names the API does not have count as `(other)`). Unlike
   * `requests()`, it covers every call, however many. `GET /__sandbox/requests/counts?flavour=…`.
   */
  requestCounts(filter?: RequestCountFilter): Record<string, number>;
  /** Forgets the request log and its counts; messages stay. `DELETE /__sandbox/requests`. */
  clearRequests(): void;
  /**
   * Resolves with the first message matching `filter`, already stored or yet to come.
   *
   * @throws {Error} (rejects) when none came within `timeoutMs`.
   */
  waitForMessage(filter: string | MessageFilter, options?: WaitOptions): Promise<SandboxMessage>;
  /**
   * Replaces the chaos rules; `chaos([])` ends them. `PUT` / `DELETE /__sandbox/chaos`.
   *
   * @throws {TypeError} when `rules` is not a list of rules, naming the field; nothing changes then.
   */
  chaos(rules: readonly ChaosRule[]): void;
  /**
   * Forgets every conversation, request and chaos rule, and publishes a `reset` event; accounts,
   * channels and tokens stay. `POST /__sandbox/reset`.
   */
  reset(): void;
  /** Revokes every access token issued so far: `/api/json/` then answers `invalid_token`. */
  revokeTokens(): void;
  /** Stops the server and closes every connection, event streams included. */
  close(): Promise<void>;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost']);

function messageFilterOf(filter: string | MessageFilter | undefined): MessageFilter {
  return typeof filter === 'string' ? { account: filter } : (filter ?? {});
}

/**
 * Starts a sandbox.
 *
 * @throws {TypeError} when `allowedHosts` holds something that is not a host name.
 * @throws {Error} when the port cannot be bound.
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const host = options.host ?? '127.0.0.1';
  const allowedHosts = allowedHostNames(options.allowedHosts);
  // On loopback, nothing but the developer's own machine should reach any route.
  const everyRouteChecked = isLoopbackBinding(host);
  if (!LOOPBACK_HOSTS.has(host)) {
    process.emitWarning(
      `The sandbox listens on ${host}: other machines can reach its inbox, control API and demo account. Keep it on 127.0.0.1 unless you need otherwise.`,
      { type: 'SandboxWarning', code: 'AFILNET_SANDBOX_NOT_LOOPBACK' },
    );
  }
  const maxRequestBytes = options.maxRequestBytes ?? 1024 * 1024;
  const journal = new Journal();
  const demo = {
    ...DEMO_ACCOUNT,
    channels: [
      ...DEMO_ACCOUNT.channels,
      ...(options.channels === undefined ? [] : parseChannelList(options.channels)),
    ],
  };
  const state = new SandboxState([demo, ...(options.accounts ?? [])], journal);
  const tokens = new TokenRegistry(options.tokenLifetimeSeconds ?? 3600);
  const proofs = new DpopProofVerifier();
  const chaos = new ChaosRules();
  const closing = new AbortController();

  function reset(): void {
    state.clear();
    chaos.set([]);
    journal.reset();
  }
  const messages = (filter?: string | MessageFilter) => journal.messages(messageFilterOf(filter));

  // The API's doors, whose calls are logged and subject to chaos rules.
  const apiDoors: ApiDoor[] = [
    createHttpDoor(),
    createBasicDoor(),
    createSoapDoor(),
    createOAuthTokenDoor(tokens, proofs),
    createJsonDoor(tokens, proofs, options.verifyExternalToken),
  ];
  const metadataDoor = createOAuthMetadataDoor();
  // The routes a browser page could be tricked into calling: Host-checked.
  const guardedDoors: Door[] = [
    createInboundDoor(),
    createControlActionDoor('/__sandbox/inbound/bulk', injectInboundBulk, 201),
    createControlActionDoor('/__sandbox/channels', addChannels),
    ...(await createInboxDoors()),
    createEventsDoor(journal.events),
    createResetDoor(reset),
    createListDoor('/__sandbox/messages', (filter) => journal.messages(filter)),
    createListDoor(
      '/__sandbox/requests',
      (filter) => journal.requests(filter),
      () => journal.clearRequests(),
    ),
    createListDoor('/__sandbox/requests/counts', (filter) => journal.requestCounts(filter)),
    createChaosDoor((rules) => chaos.set(rules)),
  ];
  const byPath = new Map<string, Door | ApiDoor>(
    [...apiDoors, metadataDoor, ...guardedDoors].map((d) => [d.path, d]),
  );
  const guarded = new Set<Door | ApiDoor>(guardedDoors);
  const apiByPath = new Map(apiDoors.map((d) => [d.path, d]));

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', `http://${host}`);
    const door = byPath.get(url.pathname);
    if (
      (everyRouteChecked || (door !== undefined && guarded.has(door))) &&
      !isAllowedHost(req.headers.host, host, allowedHosts)
    ) {
      req.resume();
      sendJson(res, 403, {
        error:
          'this route answers only requests addressed to a loopback name, the bound address or an allowed host (Host header; see allowedHosts / --allowed-host)',
      });
      return;
    }
    if (!door) {
      req.resume();
      sendText(res, 404, 'Not Found');
      return;
    }
    let body = '';
    try {
      body =
        req.method === 'GET' || req.method === 'HEAD'
          ? ''
          : await readRequestBody(req, maxRequestBytes);
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        sendText(res, 413, 'Payload Too Large', { connection: 'close' });
        req.destroy();
        return;
      }
      throw error;
    }
    const context = { state, url, body };
    const apiDoor = apiByPath.get(url.pathname);
    const call = apiDoor === undefined ? undefined : apiRequestOf(req, url, body);
    if (apiDoor === undefined || call === undefined) {
      // A route that is no API call (the page, control routes, the WSDL, the metadata).
      await door.handle(req, res, context);
      return;
    }
    const fault = chaos.pick(call.flavour, call.method);
    const record = recordApiCall(
      journal,
      call,
      req,
      res,
      fault === undefined ? undefined : describeFault(fault),
    );
    await answerUnderChaos({ tokens, closing: closing.signal }, fault, req, res, () =>
      record.answer(() => apiDoor.handle(req, res, context)),
    );
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
    injectInbound(message) {
      const stored = injectInbound(state, message);
      return journal.message(stored.messageId) as SandboxMessage;
    },
    injectInboundBulk: (input) => injectInboundBulk(state, input),
    addChannels: (input) => addChannels(state, input),
    messages,
    requests: (filter) => journal.requests(filter),
    requestCounts: (filter) => journal.requestCounts(filter),
    clearRequests: () => journal.clearRequests(),
    setPassword: (user, password) => state.setPassword(user, password),
    waitForMessage(filter, { timeoutMs = 5_000 } = {}) {
      const wanted = messageFilterOf(filter);
      const found = journal.messages(wanted)[0];
      if (found !== undefined) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const unsubscribe = journal.events.subscribe((event) => {
          if (event.type !== 'message' || !matchesFilter(event.data, wanted)) return;
          clearTimeout(timer);
          unsubscribe();
          resolve({ ...event.data });
        });
        const timer = setTimeout(() => {
          unsubscribe();
          reject(
            new Error(
              `waitForMessage: no message matching ${JSON.stringify(wanted)} within ${timeoutMs} ms`,
            ),
          );
        }, timeoutMs);
      });
    },
    chaos(rules) {
      const parsed = parseChaosRules(rules);
      if (!parsed.ok) throw new TypeError(parsed.message);
      chaos.set(parsed.rules);
    },
    reset,
    revokeTokens: () => tokens.revokeAll(),
    close: () =>
      new Promise<void>((resolve) => {
        closing.abort();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
