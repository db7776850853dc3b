/** Reading the sandbox's event stream (`GET /__sandbox/events`) as a plain HTTP client would. */
import { request } from 'node:http';
import type { SandboxEvent } from '@afilnet-chat/sandbox';

/** One event as it came over the wire. */
export interface StreamedEvent {
  readonly id: string;
  readonly type: string;
  readonly data: SandboxEvent['data'] & Record<string, unknown>;
}

function parseFrames(text: string): StreamedEvent[] {
  const events: StreamedEvent[] = [];
  for (const frame of text.split('\n\n')) {
    const fields = new Map<string, string>();
    for (const line of frame.split('\n')) {
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      fields.set(line.slice(0, colon), line.slice(colon + 1).replace(/^ /, ''));
    }
    const data = fields.get('data');
    if (data !== undefined)
      events.push({
        id: fields.get('id') ?? '',
        type: fields.get('event') ?? 'message',
        data: JSON.parse(data),
      });
  }
  return events;
}

/**
 * Connects to the stream (resuming after `lastEventId` when given), and resolves with the first
 * `count` events once they came, then disconnects; rejects after `timeoutMs`.
 */
export function readEvents(
  baseUrl: string,
  count: number,
  options: { lastEventId?: string; timeoutMs?: number; onOpen?: () => void } = {},
): Promise<StreamedEvent[]> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> =
      options.lastEventId === undefined ? {} : { 'last-event-id': options.lastEventId };
    const req = request(`${baseUrl}/__sandbox/events`, { headers }, (res) => {
      if (res.statusCode !== 200) {
        reject(new Error(`event stream answered ${res.statusCode}`));
        req.destroy();
        return;
      }
      options.onOpen?.();
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
        const complete = text.slice(0, text.lastIndexOf('\n\n') + 2);
        const events = parseFrames(complete);
        if (events.length >= count) {
          clearTimeout(timer);
          req.destroy();
          resolve(events.slice(0, count));
        }
      });
    });
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`fewer than ${count} events within ${options.timeoutMs ?? 5_000} ms`));
    }, options.timeoutMs ?? 5_000);
    req.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    req.end();
  });
}
