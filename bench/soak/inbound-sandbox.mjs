/**
 * The sandbox of the inbound soak, in a process of its own so that its CPU is not counted as the
 * watcher's: 4 channels × `conversationsPerChannel` conversations written with the bulk
 * injection, then a steady trickle of new messages, spread over the conversations so that each
 * poll interval sees `perPoll` distinct conversations change.
 */
import { DEMO_ACCOUNT, startSandbox } from '@afilnet-chat/sandbox';
import { onCommand } from '../worker/parent-channel.mjs';

/** The four channels of the demo account. */
const CHANNELS = [
  { platform: 'whatsapp', platformId: '100' },
  { platform: 'telegram', platformId: '200' },
  { platform: 'webchat', platformId: '300' },
  { platform: 'operator', platformId: '400' },
];
/** Each poll interval's messages are written in this many batches, so that the trickle is steady. */
const BATCHES_PER_INTERVAL = 10;

let sandbox;
let trickle;
let injected = 0;
let order = [];
let cursor = 0;

/** Writes one message into each of the next `count` conversations of the shuffled order. */
function write(count) {
  const messages = [];
  for (let i = 0; i < count; i++) {
    const to = order[cursor];
    cursor = (cursor + 1) % order.length;
    messages.push({ ...to, message: `Message ${injected + i + 1} from ${to.destination}` });
  }
  if (messages.length > 0) sandbox.injectInboundBulk({ user: DEMO_ACCOUNT.user, messages });
  injected += messages.length;
}

onCommand('start', async ({ conversationsPerChannel }) => {
  sandbox = await startSandbox();
  const seeded = sandbox.injectInboundBulk({
    generate: { channels: CHANNELS, conversationsPerChannel },
  });
  // The conversations in a shuffled order: consecutive trickle messages go to distinct ones.
  order = CHANNELS.flatMap((c) =>
    Array.from({ length: conversationsPerChannel }, (_, i) => ({
      ...c,
      destination: `contact-${i + 1}`,
    })),
  );
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return { url: sandbox.url, seeded: seeded.count };
});

onCommand('trickle', ({ perInterval, intervalMs }) => {
  clearInterval(trickle);
  // Whole messages per batch, the remainder carried over, so that the rate is exact on average.
  let owed = 0;
  trickle = setInterval(() => {
    owed += perInterval / BATCHES_PER_INTERVAL;
    const now = Math.floor(owed);
    owed -= now;
    write(now);
  }, intervalMs / BATCHES_PER_INTERVAL);
  return null;
});

onCommand('injected', () => injected);

onCommand('close', async () => {
  clearInterval(trickle);
  await sandbox?.close();
  return null;
});
