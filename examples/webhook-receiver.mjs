// A receiver for `afilnet-chat relay`, on Node's http module: it verifies each delivery with the
// `standardwebhooks` package and handles each message once, de-duplicating on `webhook-id` (the
// relay delivers at least once: a retry or a restarted relay may post a message again, always
// with the same id). In a project of its own:
//   npm install standardwebhooks
//   AFILNET_WEBHOOK_SECRET=whsec_… PORT=3000 node webhook-receiver.mjs
import { createServer } from 'node:http';
import { Webhook } from 'standardwebhooks';

/** Your code: one inbound message (platform, platformId, destination, messageId, message…). */
async function handle(message) {
  console.log(
    JSON.stringify({
      platform: message.platform,
      destination: message.destination,
      messageId: message.messageId,
      message: message.message,
    }),
  );
}

const webhook = new Webhook(process.env.AFILNET_WEBHOOK_SECRET);
const handled = new Set(); // in production: a unique key in your database, to survive restarts

const server = createServer(async (req, res) => {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  let event;
  try {
    // The raw body, as received: the signature covers its exact bytes (and a recent webhook-timestamp).
    event = webhook.verify(Buffer.concat(chunks).toString('utf8'), req.headers);
  } catch {
    return res.writeHead(400).end();
  }
  const id = req.headers['webhook-id'];
  if (!handled.has(id)) {
    try {
      await handle(event.data); // event = { type: 'message.received', timestamp, data: ChatMessage }
    } catch {
      return res.writeHead(500).end(); // not handled: the relay tries again later
    }
    handled.add(id);
  }
  res.writeHead(204).end();
});

server.listen(Number(process.env.PORT ?? 3000), '127.0.0.1', () => {
  console.error(`Receiving webhooks on http://127.0.0.1:${server.address().port}/`);
});
