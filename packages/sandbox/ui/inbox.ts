/**
 * The inbox page's script: follows `GET /__sandbox/events` (its only live source; `EventSource`
 * resumes with `Last-Event-ID` by itself after a dropped connection) and posts the contact's
 * replies to `POST /__sandbox/inbound`.
 */
import type { SandboxMessage, SandboxRequest } from '@afilnet-chat/sandbox';
import { InboxStore } from './inbox-store.js';
import { ThreadView, findElements, renderConversations, renderRequests } from './inbox-view.js';

/** Events are drawn in batches this often: a replay of thousands of events draws once, and live ones well within a second. */
const DRAW_EVERY_MS = 50;

const store = new InboxStore();
const view = findElements(document);
const thread = new ThreadView();
let drawPending = false;

function draw(): void {
  drawPending = false;
  renderConversations(view, store, (key) => {
    store.selected = key;
    draw();
  });
  thread.render(view, store.open());
  renderRequests(view, store.requests);
}

function scheduleDraw(): void {
  if (drawPending) return;
  drawPending = true;
  setTimeout(draw, DRAW_EVERY_MS);
}

const events = new EventSource('/__sandbox/events');
events.addEventListener('open', () => {
  view.connection.textContent = 'Live';
});
events.addEventListener('error', () => {
  view.connection.textContent = 'Disconnected: reconnecting…';
});
events.addEventListener('message', (event) => {
  store.addMessage(JSON.parse(event.data) as SandboxMessage);
  scheduleDraw();
});
events.addEventListener('request', (event) => {
  store.addRequest(JSON.parse((event as MessageEvent<string>).data) as SandboxRequest);
  scheduleDraw();
});
events.addEventListener('reset', () => {
  store.reset();
  scheduleDraw();
});

view.replyForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const conversation = store.open();
  const message = view.replyText.value;
  if (conversation === undefined || message === '') return;
  view.replyError.textContent = '';
  const reply = {
    user: conversation.account,
    platform: conversation.platform,
    platformId: conversation.platformId,
    destination: conversation.destination,
    message,
  };
  fetch('/__sandbox/inbound', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(reply),
  })
    .then(async (response) => {
      if (!response.ok)
        throw new Error(
          ((await response.json()) as { error?: string }).error ?? `HTTP ${response.status}`,
        );
      view.replyText.value = '';
    })
    .catch((error: unknown) => {
      view.replyError.textContent = `Not sent: ${error instanceof Error ? error.message : String(error)}`;
    });
});

draw();
