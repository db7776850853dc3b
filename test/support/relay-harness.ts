/**
 * What the relay suites share: the relays and webhook receivers a suite starts, all stopped when
 * it ends (a relay still running is SIGKILLed, as a crash would leave it).
 */
import { afterAll } from 'vitest';
import { startCli, type CliProcess } from './cli-process.js';
import { startReceiver, type Receiver } from './webhook-receiver.js';

/** Starts relays and receivers for one suite. */
export interface RelayHarness {
  /** Starts `afilnet-chat` with `args` in `env` (a relay). */
  relay(args: readonly string[], env: Record<string, string>): CliProcess;
  /** Starts a receiver, as `startReceiver` does. */
  receiver(...args: Parameters<typeof startReceiver>): Promise<Receiver>;
}

/** A harness whose relays and receivers are stopped after the suite's tests. */
export function useRelayHarness(): RelayHarness {
  const relays: CliProcess[] = [];
  const receivers: Receiver[] = [];
  afterAll(async () => {
    for (const relay of relays)
      if (relay.child.exitCode === null && relay.child.signalCode === null)
        relay.child.kill('SIGKILL');
    await Promise.all(receivers.map((r) => r.close()));
  });
  return {
    relay(args, env) {
      const relay = startCli(args, { env });
      relays.push(relay);
      return relay;
    },
    async receiver(...args) {
      const receiver = await startReceiver(...args);
      receivers.push(receiver);
      return receiver;
    },
  };
}

/** Resolves after `ms`. */
export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));
