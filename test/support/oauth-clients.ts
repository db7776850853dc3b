/**
 * json-oauth clients of the demo account for the OAuth suites: one way to build them, and one
 * list to close them by.
 */
import { createChatClient, type ChatClient, type ChatClientConfig } from '@afilnet-chat/core';
import { DEMO } from './account.js';
import type { ExecutorName } from './wire-capture.js';

/** Builds json-oauth clients on `executor` and closes them together. */
export interface OAuthClients {
  /** A client of the demo account at `baseUrl` (http allowed), with `overrides` applied. */
  connect(baseUrl: string, overrides?: Partial<ChatClientConfig>): ChatClient;
  /** Closes every client built since the last call. */
  closeAll(): Promise<void>;
}

/** Starts an empty set of clients on `executor`. */
export function oauthClients(executor: ExecutorName): OAuthClients {
  const open: ChatClient[] = [];
  return {
    connect(baseUrl, overrides = {}) {
      const chat = createChatClient({
        transport: 'json-oauth',
        baseUrl,
        credentials: DEMO,
        allowInsecureHttp: true,
        executor,
        ...overrides,
      });
      open.push(chat);
      return chat;
    },
    async closeAll() {
      await Promise.all(open.splice(0).map((c) => c.close()));
    },
  };
}
