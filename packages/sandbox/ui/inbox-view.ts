/**
 * Drawing the inbox page from its store. Every text from the sandbox (messages, destinations,
 * codes) goes in through `textContent`, so markup in a message shows as text and never runs.
 */
import type { SandboxMessage, SandboxRequest } from '@afilnet-chat/sandbox';
import { unreadCount, type Conversation, type InboxStore } from './inbox-store.js';

/** The page's live parts, found by id in its static markup. */
export interface InboxElements {
  readonly connection: HTMLElement;
  readonly conversations: HTMLUListElement;
  readonly noConversations: HTMLElement;
  readonly threadTitle: HTMLElement;
  readonly messages: HTMLElement;
  readonly replyForm: HTMLFormElement;
  readonly replyText: HTMLInputElement;
  readonly replyButton: HTMLButtonElement;
  readonly replyError: HTMLElement;
  readonly requests: HTMLTableSectionElement;
}

function byId<T extends HTMLElement>(doc: Document, id: string, type: new () => T): T {
  const element = doc.getElementById(id);
  if (!(element instanceof type)) throw new Error(`the inbox page has no #${id}`);
  return element;
}

/** Finds the page's live parts. */
export function findElements(doc: Document): InboxElements {
  const form = byId(doc, 'reply', HTMLFormElement);
  const button = form.querySelector('button');
  const requests = byId(doc, 'requests', HTMLTableElement).tBodies[0];
  if (!button || !requests) throw new Error('the inbox page is incomplete');
  return {
    connection: byId(doc, 'connection', HTMLElement),
    conversations: byId(doc, 'conversations', HTMLUListElement),
    noConversations: byId(doc, 'no-conversations', HTMLElement),
    threadTitle: byId(doc, 'thread-title', HTMLElement),
    messages: byId(doc, 'messages', HTMLElement),
    replyForm: form,
    replyText: byId(doc, 'reply-text', HTMLInputElement),
    replyButton: button,
    replyError: byId(doc, 'reply-error', HTMLElement),
    requests,
  };
}

function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const created = document.createElement(tag);
  if (className !== '') created.className = className;
  if (text !== undefined) created.textContent = text;
  return created;
}

/** A link to a URL the sandbox checked as http(s); anything else stays plain text. */
function link(url: string): HTMLElement {
  let safe = false;
  try {
    const protocol = new URL(url).protocol;
    safe = protocol === 'http:' || protocol === 'https:';
  } catch {
    safe = false;
  }
  if (!safe) return element('span', '', url);
  const anchor = element('a', '', url);
  anchor.href = url;
  anchor.rel = 'noopener noreferrer';
  anchor.target = '_blank';
  return anchor;
}

function channelLabel(c: Pick<Conversation, 'platform' | 'platformId'>): string {
  return `${c.platform} · channel ${c.platformId}`;
}

/** Redraws the conversation list, keeping the keyboard focus on the same conversation. */
export function renderConversations(
  view: InboxElements,
  store: InboxStore,
  open: (key: string) => void,
): void {
  const focused =
    document.activeElement instanceof HTMLButtonElement
      ? document.activeElement.dataset.key
      : undefined;
  const items = store.ordered().map((c) => {
    const unread = unreadCount(c);
    const button = element('button', '');
    button.type = 'button';
    button.dataset.key = c.key;
    button.setAttribute('aria-current', String(c.key === store.selected));
    button.append(
      element('span', 'destination', c.destination),
      element(
        'span',
        unread === 0 ? 'unread none' : 'unread',
        unread === 0 ? '0 unread' : `${unread} unread`,
      ),
      element('span', 'channel', channelLabel(c)),
      element('span', 'account', c.account),
    );
    button.addEventListener('click', () => open(c.key));
    const item = element('li', '');
    item.append(button);
    return item;
  });
  view.conversations.replaceChildren(...items);
  view.noConversations.hidden = items.length > 0;
  if (focused !== undefined) {
    for (const button of view.conversations.querySelectorAll('button'))
      if (button.dataset.key === focused) button.focus();
  }
}

function metaText(m: SandboxMessage): string {
  const who = m.direction === 'outbound' ? 'Sent through the API' : 'From the contact';
  return `${who} · ${m.datetime} UTC · ${m.status} · #${m.messageId}`;
}

function messageElement(m: SandboxMessage): HTMLElement {
  const item = element('div', `message ${m.direction}`);
  item.append(element('p', 'text', m.message));
  if (m.file !== undefined) {
    const file = element('p', 'file', `${m.file.type}: `);
    file.append(link(m.file.fileUrl));
    if (m.file.thumbUrl !== undefined) file.append(' · thumbnail: ', link(m.file.thumbUrl));
    item.append(file);
  }
  item.append(element('p', 'meta', metaText(m)));
  return item;
}

/** What the thread shows, so that new messages are appended rather than the log redrawn. */
export class ThreadView {
  #shownKey: string | undefined;
  readonly #shown = new Map<string, { readonly element: HTMLElement; status: string }>();

  /** Shows `conversation`, appending new messages and updating changed ones. */
  render(view: InboxElements, conversation: Conversation | undefined): void {
    if (conversation?.key !== this.#shownKey) {
      this.#shownKey = conversation?.key;
      this.#shown.clear();
      view.messages.replaceChildren();
      view.threadTitle.textContent =
        conversation === undefined
          ? 'Choose a conversation.'
          : `${conversation.destination} · ${channelLabel(conversation)} · ${conversation.account}`;
    }
    view.replyText.disabled = conversation === undefined;
    view.replyButton.disabled = conversation === undefined;
    if (conversation === undefined) return;
    const log = view.messages;
    const atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
    let appended = false;
    for (const m of conversation.messages.values()) {
      const shown = this.#shown.get(m.messageId);
      if (shown === undefined) {
        const created = messageElement(m);
        log.append(created);
        this.#shown.set(m.messageId, { element: created, status: m.status });
        appended = true;
      } else if (shown.status !== m.status) {
        const updated = messageElement(m);
        shown.element.replaceWith(updated);
        this.#shown.set(m.messageId, { element: updated, status: m.status });
      }
    }
    if (appended && atBottom) log.scrollTop = log.scrollHeight;
  }
}

function durationText(ms: number): string {
  return ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`;
}

function statusText(r: SandboxRequest): string {
  const status = r.status === 0 ? 'dropped' : String(r.status);
  if (r.chaos === undefined) return status;
  // A status fault's own status is already in the column; only what it adds is worth repeating.
  const detail = r.chaos.replace(/^status \d+(, )?/, '');
  return detail === '' ? `${status} (chaos)` : `${status} (chaos: ${detail})`;
}

/** Redraws the Requests table, newest first. */
export function renderRequests(view: InboxElements, requests: readonly SandboxRequest[]): void {
  const rows = [...requests].reverse().map((r) => {
    const row = element(
      'tr',
      r.status === 0 || r.status >= 400 || r.code !== undefined ? 'failed' : '',
    );
    row.append(
      element('td', '', r.flavour),
      element('td', '', r.method === '' ? '—' : r.method),
      element('td', 'number', statusText(r)),
      element('td', '', r.code ?? ''),
      element('td', 'number', durationText(r.durationMs)),
      element('td', 'trace', r.traceId ?? ''),
    );
    return row;
  });
  view.requests.replaceChildren(...rows);
}
