/**
 * A client for one row of the transport matrix (flavour × executor) pointed at a local server,
 * and a way to make any sample call through it.
 */
import {
  createChatClient,
  type CallOptions,
  type ChatClient,
  type ChatClientConfig,
} from '@afilnet-chat/core';
import { DEMO } from './account.js';
import type { SampleCall } from './sample-calls.js';
import type { Account, TransportCase } from './transport-cases.js';
import type { ExecutorName } from './wire-capture.js';

/** A client of `transportCase` over `executor`, talking to `baseUrl` (always a loopback http URL). */
export function clientFor(
  transportCase: TransportCase,
  executor: ExecutorName,
  baseUrl: string,
  extra: Partial<ChatClientConfig> = {},
  account: Account = DEMO,
): ChatClient {
  return createChatClient({
    transport: transportCase.name,
    baseUrl,
    credentials: { user: account.user, password: account.password },
    allowInsecureHttp: true,
    executor,
    ...transportCase.config,
    ...extra,
  } as ChatClientConfig);
}

/** Makes `sample`'s call (getChatChannels takes only the options). */
export function invoke(
  client: ChatClient,
  sample: SampleCall,
  options?: CallOptions,
): Promise<unknown> {
  if (sample.api === 'getChatChannels') return client.getChatChannels(options);
  const method = client[sample.api] as (input: unknown, options?: CallOptions) => Promise<unknown>;
  return method.call(client, sample.input, options);
}
