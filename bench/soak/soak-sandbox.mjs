/**
 * The account every inbound soak and profiler listens to: the sandbox in a process of its own
 * (`inbound-sandbox.mjs`, so that its CPU is not counted as the listener's), seeded with
 * 4 channels × 2,500 conversations.
 */
import { DEMO_ACCOUNT } from '@afilnet-chat/sandbox';
import { request } from 'undici';
import { startWorker } from '../runner/worker-process.mjs';

/** Conversations per channel of the demo account's four: 10,000 in all. */
export const CONVERSATIONS_PER_CHANNEL = 2_500;

/** The demo account's four channels. */
export const SOAK_CHANNELS = [
  { platform: 'whatsapp', platformId: '100' },
  { platform: 'telegram', platformId: '200' },
  { platform: 'webchat', platformId: '300' },
  { platform: 'operator', platformId: '400' },
];

/**
 * The listing alone, with nothing of this SDK: undici `request()` of each channel's `getchats`
 * (the post transport's form) on the sandbox at `url`. What any client of the API pays on every
 * poll, since `getchats` takes no "changed since" parameter.
 *
 * @param read what is made of each answer's body (undici's `BodyReadable`): its text unless
 *   given.
 * @returns the four answers, each as `read` made it.
 */
export function readListing(url, read = (body) => body.text()) {
  return Promise.all(
    SOAK_CHANNELS.map(async (c) => {
      const response = await request(`${url}/api/http/`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          class: 'chat',
          method: 'getchats',
          user: DEMO_ACCOUNT.user,
          password: DEMO_ACCOUNT.password,
          platform: c.platform,
          platformid: c.platformId,
        }).toString(),
      });
      return read(response.body);
    }),
  );
}

/**
 * The client configuration every soak and profiler listens with: the demo account on the sandbox
 * at `url`, over `transport` (post unless given). A configuration rather than a client, so that
 * a script built from the sources and one on the packages share it.
 */
export function soakClientConfig(url, transport = 'post') {
  return {
    transport,
    baseUrl: url,
    allowInsecureHttp: true,
    credentials: { user: DEMO_ACCOUNT.user, password: DEMO_ACCOUNT.password },
  };
}

/** Starts the sandbox's process; seed it with {@link seedSoakSandbox}, stop it with `stop()`. */
export function startSoakSandbox() {
  return startWorker(new URL('./inbound-sandbox.mjs', import.meta.url), {});
}

/**
 * Starts the sandbox in `worker` and writes the conversations.
 *
 * @returns `{ url, seeded }`; throws when the sandbox did not start.
 */
export async function seedSoakSandbox(worker) {
  const started = await worker.command(
    'start',
    { conversationsPerChannel: CONVERSATIONS_PER_CHANNEL },
    60_000,
  );
  if (!started.ok) throw new Error(`sandbox: ${started.error}`);
  return started.value;
}
