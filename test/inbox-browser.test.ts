/**
 * The sandbox's inbox page in a real browser (issue 16): Debian's Chromium driven by
 * playwright-core against a real sandbox, with messages sent by the SDK through its transports.
 * One browser and one page for the whole file; each test opens its own conversations.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChatClient, type ChatClient, type TransportName } from '@afilnet-chat/core';
import { startSandbox, type Sandbox } from '@afilnet-chat/sandbox';
import { launchChromium, type Browser } from './support/chromium.js';
import { startTcpRelay, type TcpRelay } from './support/tcp-relay.js';

/** An account whose password is easy to look for in the page. */
const ACCOUNT = { user: 'inbox@example.com', password: 'pw-Inbox-Secret-7f3a' };
const WHATSAPP = { platform: 'whatsapp', platformId: '100' } as const;
/** The inbox page shows each event within a second. */
const LIVE_MS = 1_000;

let sandbox: Sandbox;
/** The browser reaches the sandbox through this relay, so that a test can cut its event stream. */
let relay: TcpRelay;
let browser: Browser;
let page: Page;
const clients = new Map<TransportName, ChatClient>();
const seen: string[] = [];
const problems: string[] = [];

function client(transport: TransportName): ChatClient {
  let found = clients.get(transport);
  if (found === undefined) {
    found = createChatClient({
      transport,
      baseUrl: sandbox.url,
      credentials: ACCOUNT,
      allowInsecureHttp: true,
    });
    clients.set(transport, found);
  }
  return found;
}

const conversations = () => page.getByRole('list', { name: 'Conversations' });
const conversationItem = (destination: string) =>
  conversations().getByRole('listitem').filter({ hasText: destination });
const messagesLog = () => page.getByRole('log', { name: 'Messages' });

async function openConversation(destination: string): Promise<void> {
  await conversationItem(destination).getByRole('button').click();
  await page.getByText(`${destination} · whatsapp · channel 100`).waitFor({ timeout: LIVE_MS });
}

beforeAll(async () => {
  sandbox = await startSandbox({
    accounts: [
      {
        ...ACCOUNT,
        channels: [
          { ...WHATSAPP, name: 'Inbox WhatsApp' },
          { platform: 'telegram', platformId: '200', name: 'Inbox Telegram' },
        ],
      },
    ],
  });
  relay = await startTcpRelay(sandbox.url);
  browser = await launchChromium();
  page = await browser.context.newPage();
  page.on('request', (request) => seen.push(request.url()));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  const response = await page.goto(relay.url);
  expect(response?.headers()['content-security-policy']).toBe("default-src 'self'");
  await page.getByRole('status').filter({ hasText: 'Live' }).waitFor({ timeout: 5_000 });
}, 60_000);

afterAll(async () => {
  await Promise.all([...clients.values()].map((c) => c.close()));
  await browser?.close();
  await relay?.close();
  await sandbox?.close();
});

describe('the inbox page', () => {
  it('loads only its own files, without a console error', () => {
    expect(seen.length).toBeGreaterThan(0);
    for (const url of seen) expect(new URL(url).origin).toBe(relay.url);
    expect(problems).toEqual([]);
  });

  it('shows messages sent through two transports as they arrive, and their API calls', async () => {
    await client('post').sendMessage({
      ...WHATSAPP,
      destination: '34611000001',
      message: 'Hello over POST',
    });
    await conversationItem('34611000001').waitFor({ timeout: LIVE_MS });
    await client('soap').sendMessage({
      ...WHATSAPP,
      destination: '34611000002',
      message: 'Hello over SOAP',
    });
    await conversationItem('34611000002').waitFor({ timeout: LIVE_MS });
    await openConversation('34611000002');
    await messagesLog().getByText('Hello over SOAP').waitFor({ timeout: LIVE_MS });
    const requests = page.getByRole('table', { name: 'Requests' });
    expect(await requests.getByRole('columnheader').allTextContents()).toEqual([
      'Flavour',
      'Method',
      'Status',
      'Code',
      'Duration',
      'Trace',
    ]);
    await requests
      .getByRole('row')
      .filter({ hasText: 'soap' })
      .filter({ hasText: 'sendmessage' })
      .first()
      .waitFor({ timeout: LIVE_MS });
    await requests
      .getByRole('row')
      .filter({ hasText: 'post' })
      .filter({ hasText: 'sendmessage' })
      .first()
      .waitFor({ timeout: LIVE_MS });
  });

  it("shows the trace id of a request's traceparent, so that a developer can go from the request to its trace", async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const response = await fetch(`${sandbox.url}/api/http/`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        traceparent: `00-${traceId}-00f067aa0ba902b7-01`,
      },
      body: new URLSearchParams({
        class: 'chat',
        method: 'getchatchannels',
        user: ACCOUNT.user,
        password: ACCOUNT.password,
      }).toString(),
    });
    expect(response.status).toBe(200);
    await response.text();
    const row = page
      .getByRole('table', { name: 'Requests' })
      .getByRole('row')
      .filter({ hasText: traceId });
    await row.first().waitFor({ timeout: LIVE_MS });
    expect(await row.first().getByRole('cell').last().textContent()).toBe(traceId);
  });

  it('sends a reply as the contact, with the keyboard, that the SDK then reads', async () => {
    const destination = '34611000003';
    await client('json-oauth').sendMessage({
      ...WHATSAPP,
      destination,
      message: 'How can I help?',
    });
    await conversationItem(destination).waitFor({ timeout: LIVE_MS });
    await conversationItem(destination).getByRole('button').focus();
    await page.keyboard.press('Enter');
    await expect
      .poll(() => conversationItem(destination).getByRole('button').getAttribute('aria-current'))
      .toBe('true');
    await page.getByRole('textbox', { name: 'Reply as contact' }).focus();
    await page.keyboard.type('I need a refund');
    await page.keyboard.press('Enter');
    await messagesLog().getByText('I need a refund').waitFor({ timeout: LIVE_MS });
    await conversationItem(destination).getByText('1 unread').waitFor({ timeout: LIVE_MS });

    const unread = await client('basic').getUnreadMessages({ ...WHATSAPP, destination });
    expect(unread.map((m) => [m.message, m.sent])).toEqual([['I need a refund', false]]);
    await conversationItem(destination).getByText('0 unread').waitFor({ timeout: LIVE_MS });
    expect(await page.getByRole('textbox', { name: 'Reply as contact' }).inputValue()).toBe('');
  });

  it('shows markup in a message as text and runs none of it', async () => {
    const destination = '34611000004';
    const markup =
      '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script><b>bold</b> & <a href="javascript:alert(1)">x</a>';
    await client('get').sendMessage({ ...WHATSAPP, destination, message: markup });
    await conversationItem(destination).waitFor({ timeout: LIVE_MS });
    await openConversation(destination);
    await messagesLog().getByText(markup, { exact: true }).waitFor({ timeout: LIVE_MS });
    expect(await messagesLog().locator('img, script, b, a').count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(problems).toEqual([]);
  });

  it('shows a file as links with its type and thumbnail', async () => {
    const destination = '34611000005';
    await client('post').sendMessage({ ...WHATSAPP, destination, message: 'Here is your invoice' });
    await client('post').sendFile({
      ...WHATSAPP,
      destination,
      type: 'document',
      fileUrl: 'https://files.example.com/invoice-42.pdf',
      thumbUrl: 'https://files.example.com/invoice-42.png',
      message: 'Invoice 42',
    });
    await conversationItem(destination).waitFor({ timeout: LIVE_MS });
    await openConversation(destination);
    const link = messagesLog().getByRole('link', {
      name: 'https://files.example.com/invoice-42.pdf',
    });
    await link.waitFor({ timeout: LIVE_MS });
    expect(await link.getAttribute('href')).toBe('https://files.example.com/invoice-42.pdf');
    await messagesLog()
      .getByRole('link', { name: 'https://files.example.com/invoice-42.png' })
      .waitFor({ timeout: LIVE_MS });
    await messagesLog().getByText('document:', { exact: false }).waitFor({ timeout: LIVE_MS });
  });

  it('shows no password, Basic value or token anywhere, whichever transport carried it', async () => {
    for (const transport of ['get', 'post', 'basic', 'soap', 'json-oauth'] as const) {
      await client(transport).getChats(WHATSAPP);
    }
    await expect
      .poll(
        () =>
          page
            .getByRole('table', { name: 'Requests' })
            .getByRole('row')
            .filter({ hasText: 'getchats' })
            .count(),
        { timeout: LIVE_MS },
      )
      .toBe(5);
    const basic = Buffer.from(`${ACCOUNT.user}:${ACCOUNT.password}`).toString('base64');
    const page_ = `${await page.content()}\n${await page.locator('body').innerText()}`;
    const control = await Promise.all(
      ['/__sandbox/requests', '/__sandbox/messages'].map(async (path) =>
        (await fetch(`${sandbox.url}${path}`)).text(),
      ),
    );
    for (const text of [page_, ...control]) {
      expect(text).not.toContain(ACCOUNT.password);
      expect(text).not.toContain(encodeURIComponent(ACCOUNT.password));
      expect(text).not.toContain(basic);
    }
  });

  it('catches up after its event stream dropped, resuming after the last event it had', async () => {
    const resumes: Promise<string | undefined>[] = [];
    const onRequest = (request: Request) => {
      if (request.url().endsWith('/__sandbox/events'))
        resumes.push(request.allHeaders().then((headers) => headers['last-event-id']));
    };
    page.on('request', onRequest);
    try {
      const lastEventId = Math.max(
        ...sandbox.messages().map((m) => m.id),
        ...sandbox.requests().map((r) => r.id),
      );
      relay.cutAll();
      await page
        .getByRole('status')
        .filter({ hasText: 'reconnecting' })
        .waitFor({ timeout: LIVE_MS });
      const destination = '34611000006';
      sandbox.injectInbound({
        user: ACCOUNT.user,
        ...WHATSAPP,
        destination,
        message: 'written while the stream was down',
      });
      await conversationItem(destination).waitFor({ timeout: 5_000 });
      await page.getByRole('status').filter({ hasText: 'Live' }).waitFor({ timeout: LIVE_MS });
      expect(await Promise.all(resumes)).toEqual([String(lastEventId)]);
      expect(
        await conversations().getByRole('listitem').filter({ hasText: '34611000001' }).count(),
        'nothing lost or doubled',
      ).toBe(1);
      // The cut stream is the one console error this test causes on purpose.
      expect(problems.splice(0)).toEqual([
        'Failed to load resource: net::ERR_INCOMPLETE_CHUNKED_ENCODING',
      ]);
    } finally {
      page.off('request', onRequest);
    }
  });

  it('starts over on reset, and draws a screenshot of the inbox for the README', async () => {
    sandbox.reset();
    await expect
      .poll(() => conversations().getByRole('listitem').count(), { timeout: LIVE_MS })
      .toBe(0);
    expect(await page.getByRole('table', { name: 'Requests' }).locator('tbody tr').count()).toBe(0);

    const telegram = { platform: 'telegram', platformId: '200', destination: '@marta_r' } as const;
    await client('soap').sendMessage({
      ...telegram,
      message: 'Your appointment is confirmed for Friday at 10:00.',
    });
    sandbox.injectInbound({
      user: ACCOUNT.user,
      ...telegram,
      message: 'Can we make it 11:00 instead?',
    });
    const destination = '34600000000';
    const ana = { ...WHATSAPP, destination };
    await client('json-oauth').sendMessage({
      ...ana,
      message: 'Hi Ana! Your order #1042 has shipped.',
    });
    sandbox.injectInbound({ user: ACCOUNT.user, ...ana, message: 'Great, when will it arrive?' });
    await client('json-oauth').getUnreadMessages(ana);
    await client('json-oauth').sendMessage({
      ...ana,
      message: 'Tomorrow before noon. Here is the tracking label:',
    });
    await client('json-oauth').sendFile({
      ...ana,
      type: 'image',
      fileUrl: 'https://files.example.com/label-1042.png',
      thumbUrl: 'https://files.example.com/label-1042-thumb.png',
    });
    sandbox.injectInbound({ user: ACCOUNT.user, ...ana, message: '<b>Thanks!</b> :)' });
    sandbox.chaos([{ method: 'getchats', times: 1, fault: { status: 503 } }]);
    await client('post').getChats(WHATSAPP);
    await page
      .getByRole('table', { name: 'Requests' })
      .getByText('503 (chaos)')
      .waitFor({ timeout: LIVE_MS });
    await client('basic')
      .getMessages({ ...WHATSAPP, destination: '34699999999' })
      .catch(() => undefined);
    await conversationItem(destination).getByText('1 unread').waitFor({ timeout: LIVE_MS });
    await openConversation(destination);
    await messagesLog().getByText('<b>Thanks!</b> :)').waitFor({ timeout: LIVE_MS });
    const directory =
      process.env.UPDATE_SCREENSHOT === '1'
        ? fileURLToPath(new URL('../docs/', import.meta.url))
        : await mkdtemp(join(tmpdir(), 'inbox-shot-'));
    const path = join(directory, 'inbox.png');
    await page.screenshot({ path, fullPage: true });
    expect(problems).toEqual([]);
  });
});
