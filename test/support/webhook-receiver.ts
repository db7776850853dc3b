/**
 * A webhook receiver for the relay's tests, on 127.0.0.1 port 0: it verifies every request with
 * the `standardwebhooks` package (a request that does not verify fails the test that reads
 * `requests`), records it, and answers what the test's `answer` says. `down()` closes the port
 * for a while (connections refused), then listens again on the same one.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { expect } from 'vitest';
import type { ChatMessage } from '@afilnet-chat/core';
import { waitFor } from './wait-for.js';

/** A fresh Standard Webhooks secret (`whsec_` + base64 of 32 random bytes). */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** One request the receiver got. */
export interface ReceivedRequest {
  readonly id: string;
  readonly timestamp: string;
  /** True when the signature verified with the secret (and the timestamp was recent). */
  readonly verified: boolean;
  readonly event: { type: string; timestamp: string; data: ChatMessage } | undefined;
  /** The status it answered. */
  readonly status: number;
  /** When it arrived (ms since the epoch). */
  readonly at: number;
}

/** What to answer to one request: a status and headers. */
export interface Answer {
  readonly status: number;
  readonly headers?: Record<string, string>;
  /** Waits this long before answering. */
  readonly delayMs?: number;
}

/** A running receiver. */
export interface Receiver {
  readonly url: string;
  readonly requests: ReceivedRequest[];
  /** How many requests have arrived, answered or not yet. */
  arrived(): number;
  /** The requests answered 2xx, in arrival order. */
  accepted(): ReceivedRequest[];
  /** Closes the port for `ms`, then listens on it again. */
  down(ms: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts a receiver. `answer(request, attempt)` decides each answer (`attempt` counts the
 * requests with this webhook-id, from 1); default 204.
 */
export async function startReceiver(
  secret: string,
  answer: (request: Omit<ReceivedRequest, 'status' | 'at'>, attempt: number) => Answer = () => ({
    status: 204,
  }),
): Promise<Receiver> {
  const webhook = new Webhook(secret);
  const requests: ReceivedRequest[] = [];
  const attempts = new Map<string, number>();
  let arrived = 0;
  const handler = async (req: IncomingMessage, res: import('node:http').ServerResponse) => {
    arrived += 1;
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const id = String(req.headers['webhook-id'] ?? '');
    let event: ReceivedRequest['event'];
    let verified = false;
    try {
      event = webhook.verify(
        body,
        req.headers as Record<string, string>,
      ) as ReceivedRequest['event'];
      verified = true;
    } catch {
      event = undefined;
    }
    const attempt = (attempts.get(id) ?? 0) + 1;
    attempts.set(id, attempt);
    const seen = { id, timestamp: String(req.headers['webhook-timestamp'] ?? ''), verified, event };
    const { status, headers, delayMs } = verified
      ? answer(seen, attempt)
      : { status: 400, headers: {}, delayMs: 0 };
    if (delayMs) await new Promise((resolve) => setTimeout(resolve, delayMs));
    requests.push({ ...seen, status, at: Date.now() });
    res.writeHead(status, headers ?? {}).end();
  };
  let server: Server = createServer((req, res) => void handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const stop = (s: Server) =>
    new Promise<void>((resolve) => {
      s.close(() => resolve());
      s.closeAllConnections();
    });
  return {
    url: `http://127.0.0.1:${port}/hooks/afilnet`,
    requests,
    arrived: () => arrived,
    accepted: () => requests.filter((r) => r.status >= 200 && r.status < 300),
    async down(ms) {
      await stop(server);
      await new Promise((resolve) => setTimeout(resolve, ms));
      server = createServer((req, res) => void handler(req, res));
      await listenAgain(server, port);
    },
    close: () => stop(server),
  };
}

/**
 * Listens on `port` again. While the port was closed, an outgoing connection of another test may
 * have been given it as its local port; nothing listens there, so the relay still finds the
 * receiver down, and the port is free again once that connection ends.
 */
async function listenAgain(server: Server, port: number): Promise<void> {
  await waitFor(() => listenedOn(server, port), 10_000, 50);
}

/** True once `server` listens on `port`; false while the port is taken (`EADDRINUSE`). */
function listenedOn(server: Server, port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const refused = (error: NodeJS.ErrnoException) =>
      error.code === 'EADDRINUSE' ? resolve(false) : reject(error);
    server.once('error', refused);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', refused);
      resolve(true);
    });
  });
}

/** Every request verified, one webhook-id per message and one message per webhook-id. */
export function expectSignedAndStable(requests: readonly ReceivedRequest[]): void {
  expect(requests.length).toBeGreaterThan(0);
  for (const r of requests) expect(r.verified, `request ${r.id} verifies`).toBe(true);
  const idOf = new Map<string, string>();
  const messageOf = new Map<string, string>();
  for (const r of requests) {
    const messageId = r.event?.data.messageId as string;
    expect(r.event?.type).toBe('message.received');
    expect(Number.isNaN(Date.parse(r.event?.timestamp ?? ''))).toBe(false);
    expect(idOf.get(messageId) ?? r.id, `message ${messageId} keeps its webhook-id`).toBe(r.id);
    expect(messageOf.get(r.id) ?? messageId, `webhook-id ${r.id} names one message`).toBe(
      messageId,
    );
    idOf.set(messageId, r.id);
    messageOf.set(r.id, messageId);
  }
}

/** The first 2xx of each message, in arrival order, is oldest first within each conversation. */
export function expectOrderPerConversation(accepted: readonly ReceivedRequest[]): void {
  const last = new Map<string, number>();
  const seen = new Set<string>();
  for (const r of accepted) {
    const m = r.event?.data;
    if (m === undefined || seen.has(m.messageId)) continue;
    seen.add(m.messageId);
    const key = `${m.platform}/${m.platformId}/${m.destination}`;
    expect(Number(m.messageId), `conversation ${key}`).toBeGreaterThan(last.get(key) ?? 0);
    last.set(key, Number(m.messageId));
  }
}
