/**
 * The demo: starts the embedded sandbox and walks the six methods through every built-in
 * transport, timing each call and checking that the sandbox's state comes back as expected.
 */
import {
  createChatClient,
  type ChatClient,
  type ChatMethod,
  type SecurityRating,
  type TransportName,
} from '@afilnet-chat/core';
import { BUILT_IN_TRANSPORTS, TRANSPORT_NAMES } from '@afilnet-chat/core/constants';
import { DEMO_ACCOUNT, startSandbox, type Sandbox } from '@afilnet-chat/sandbox';

/** How one call of the demo went. */
export interface DemoCell {
  /** The API method called. */
  readonly method: ChatMethod;
  /** `not-installed` when the transport's package is missing (nothing was sent). */
  readonly outcome: 'ok' | 'failed' | 'not-installed';
  /** What came back (`4 channels`), or the error code and message. */
  readonly detail: string;
  /** The call's latency in milliseconds; absent when nothing was sent. */
  readonly ms?: number;
}

/** One transport's row of the demo. */
export interface DemoRow {
  /** The transport's name. */
  readonly transport: TransportName;
  /** Its security rating. */
  readonly security: SecurityRating;
  /** One cell per method, in the order of the API's methods. */
  readonly cells: readonly DemoCell[];
}

/** A failed expectation about the sandbox's answer. */
class UnexpectedResult extends Error {
  readonly code = 'UNEXPECTED_RESULT';
}

function expectThat(condition: boolean, message: string): void {
  if (!condition) throw new UnexpectedResult(message);
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

type Step = readonly [ChatMethod, () => Promise<string>];

function steps(chat: ChatClient, sandbox: Sandbox, destination: string): Step[] {
  const conversation = { platform: 'whatsapp' as const, platformId: '100', destination };
  return [
    [
      'getchatchannels',
      async () => {
        const channels = await chat.getChatChannels();
        expectThat(
          channels.some((c) => c.platform === 'whatsapp' && c.platformId === '100'),
          'whatsapp 100 is missing',
        );
        return plural(channels.length, 'channel', 'channels');
      },
    ],
    [
      'sendmessage',
      async () => {
        await chat.sendMessage({ ...conversation, message: 'Hello from the afilnet-chat demo' });
        return 'sent';
      },
    ],
    [
      'sendfile',
      async () => {
        await chat.sendFile({
          ...conversation,
          type: 'image',
          fileUrl: 'https://example.com/cat.jpg',
          message: 'A cat',
        });
        return 'sent';
      },
    ],
    [
      'getchats',
      async () => {
        const chats = await chat.getChats({ platform: 'whatsapp', platformId: '100' });
        expectThat(
          chats.some((m) => m.destination === destination),
          `no conversation with ${destination}`,
        );
        return plural(chats.length, 'chat', 'chats');
      },
    ],
    [
      'getmessages',
      async () => {
        const messages = await chat.getMessages(conversation);
        expectThat(
          messages.length === 2 && messages.every((m) => m.sent),
          `expected the 2 sent messages, got ${messages.length}`,
        );
        return plural(messages.length, 'message', 'messages');
      },
    ],
    [
      'getunreadmessages',
      async () => {
        sandbox.injectInbound({
          user: DEMO_ACCOUNT.user,
          ...conversation,
          message: 'Hi! Got your cat.',
        });
        const unread = await chat.getUnreadMessages(conversation);
        expectThat(
          unread.length === 1 && unread[0]?.message === 'Hi! Got your cat.' && !unread[0].sent,
          'expected the 1 injected reply',
        );
        return plural(unread.length, 'unread', 'unread');
      },
    ],
  ];
}

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'ERROR';
}

async function demoTransport(
  transport: TransportName,
  index: number,
  sandbox: Sandbox,
): Promise<DemoRow> {
  const chat = createChatClient({
    transport,
    baseUrl: sandbox.url,
    credentials: { user: DEMO_ACCOUNT.user, password: DEMO_ACCOUNT.password },
    allowInsecureHttp: true,
    timeoutMs: 10_000,
  });
  const cells: DemoCell[] = [];
  try {
    for (const [method, run] of steps(chat, sandbox, `3460000000${index}`)) {
      const started = performance.now();
      try {
        const detail = await run();
        cells.push({ method, outcome: 'ok', detail, ms: performance.now() - started });
      } catch (error) {
        if (codeOf(error) === 'TRANSPORT_NOT_INSTALLED') {
          cells.push({
            method,
            outcome: 'not-installed',
            detail: BUILT_IN_TRANSPORTS[transport].packageName,
          });
          continue;
        }
        const message = error instanceof Error ? error.message : String(error);
        cells.push({
          method,
          outcome: 'failed',
          detail: `${codeOf(error)}: ${message}`,
          ms: performance.now() - started,
        });
      }
    }
  } finally {
    await chat.close();
  }
  return { transport, security: BUILT_IN_TRANSPORTS[transport].security, cells };
}

/**
 * Runs the demo against a fresh sandbox, one conversation per transport so they do not see each
 * other's messages, and stops the sandbox.
 *
 * @throws {Error} only when the sandbox cannot start; every call's failure is a cell.
 */
export async function runDemo(): Promise<DemoRow[]> {
  const sandbox = await startSandbox();
  try {
    const rows: DemoRow[] = [];
    for (const [index, transport] of TRANSPORT_NAMES.entries())
      rows.push(await demoTransport(transport, index, sandbox));
    return rows;
  } finally {
    await sandbox.close();
  }
}
