// A receiver for `afilnet-chat relay`, on Node's http module: it verifies each delivery with the
// `standardwebhooks` package and handles each message once, de-duplicating on `webhook-id` (the
// relay delivers at least once: a retry or a restarted relay may post a message again, always
// with the same id). Run it with:
//   npm install standardwebhooks
//   AFILNET_WEBHOOK_SECRET=whsec_… PORT=3000 node webhook-receiver.mjs
import { createServer } from 'node:http';
import { Webhook } from 'standardwebhooks';

const webhook = new Webhook(process.env.AFILNET_WEBHOOK_SECRET ?? '');
// Keep these ids where your data lives (a unique key in your database) to survive restarts.
const handled = new Set();

async function handle(event) {
  // event = { type: 'message.received', timestamp, data: { platform, platformId, destination, messageId, message, … } }
  const { platform, destination, messageId, message } = event.data;
  console.log(JSON.stringify({ platform, destination, messageId, message }));
}

const server = createServer(async (req, res) => {
  if (req.method !== 'POST') return res.writeHead(405).end();
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > 1_000_000) return res.writeHead(413).end();
    chunks.push(chunk);
  }
  const body = Buffer.concat(chunks).toString('utf8');
  let event;
  try {
    // Checks webhook-signature against the raw body, and that webhook-timestamp is within 5 minutes.
    event = webhook.verify(body, req.headers);
  } catch {
    return res.writeHead(400).end('invalid signature');
  }
  const id = req.headers['webhook-id'];
  if (!handled.has(id)) {
    await handle(event); // throw here → 500 → the relay tries again later
    handled.add(id);
  }
  res.writeHead(204).end();
});

server.listen(Number(process.env.PORT ?? 3000), '127.0.0.1', () => {
  console.error(`Receiving webhooks on http://127.0.0.1:${server.address().port}/`);
});
