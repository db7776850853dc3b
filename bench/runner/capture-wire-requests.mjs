/**
 * The exact request each transport sends, captured once through a recording `fetch` executor
 * against the responder: the limit and global fetch then replay these very bytes. It doubles as
 * a check that the transport works (its results are decoded and checked) before it is measured.
 */
import { CHANNEL_COUNT } from '../responder/canned-bodies.mjs';
import { CREDENTIALS, SEND_MESSAGE_INPUT } from '../subjects/bench-input.mjs';

/** Captures `{ getchatchannels, sendmessage }` → `{ method, url, headers, body }` for a transport. */
export async function captureWireRequests(transportName, baseUrl) {
  const { createChatClient } = await import('@afilnet-chat/core');
  const seen = [];
  const recordingFetch = (url, init) => {
    seen.push({ method: init.method, url, headers: { ...init.headers }, body: init.body });
    return fetch(url, init);
  };
  const client = createChatClient({
    transport: transportName,
    baseUrl,
    credentials: CREDENTIALS,
    allowInsecureHttp: true,
    executor: { fetch: recordingFetch },
  });
  const apiRequest = () => seen.filter((r) => !r.url.includes('/oauth/')).at(-1);
  try {
    const channels = await client.getChatChannels();
    if (!Array.isArray(channels) || channels.length !== CHANNEL_COUNT) {
      throw new Error(
        `getchatchannels gave ${JSON.stringify(channels)}, expected ${CHANNEL_COUNT} channels`,
      );
    }
    const getchatchannels = apiRequest();
    await client.sendMessage(SEND_MESSAGE_INPUT);
    const sendmessage = apiRequest();
    if (typeof getchatchannels?.url !== 'string' || typeof sendmessage?.url !== 'string') {
      throw new Error('the transport sent no request through its executor');
    }
    for (const wire of [getchatchannels, sendmessage]) {
      if (wire.body !== undefined && typeof wire.body !== 'string') wire.body = String(wire.body);
    }
    return { getchatchannels, sendmessage };
  } finally {
    await client.close();
  }
}
