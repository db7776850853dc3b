/**
 * `GET /__sandbox/events`: the event stream as Server-Sent Events (HTML Living
 * Standard §9.2). Each event carries its id, so a client that reconnects with `Last-Event-ID`
 * (as `EventSource` does by itself) gets exactly the events it missed. A first connection, with
 * no `Last-Event-ID`, gets every event kept (since the start or the last reset) before live ones.
 */
import type { ServerResponse } from 'node:http';
import { allowMethods } from '../http/respond.js';
import type { Door } from '../http/door.js';
import type { EventLog } from '../state/event-log.js';
import type { SandboxEvent } from '../state/sandbox-event.js';

/** A comment line this often keeps idle connections open through proxies and finds dead ones. */
const HEARTBEAT_MS = 15_000;
/**
 * A client this far behind is dropped rather than buffered without end; it reconnects with its
 * `Last-Event-ID` and catches up from the log.
 */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

function frame(event: SandboxEvent): string {
  // JSON.stringify escapes line breaks, so the data is always one `data:` line.
  return `id: ${event.data.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`;
}

function resumePoint(lastEventId: string | string[] | undefined): number {
  const value = Array.isArray(lastEventId) ? lastEventId[0] : lastEventId;
  return value !== undefined && /^\d{1,15}$/.test(value.trim()) ? Number(value.trim()) : 0;
}

function write(res: ServerResponse, text: string): void {
  if (res.writableLength > MAX_BUFFERED_BYTES) res.destroy();
  else res.write(text);
}

/** Creates the event stream door over the sandbox's event log. */
export function createEventsDoor(events: EventLog, path = '/__sandbox/events'): Door {
  return {
    path,
    handle(req, res) {
      if (!allowMethods(req, res, ['GET'])) return;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
      });
      // The retry field sets how soon EventSource reconnects after a dropped stream.
      let text = 'retry: 1000\n\n';
      for (const event of events.since(resumePoint(req.headers['last-event-id'])))
        text += frame(event);
      res.write(text);
      const unsubscribe = events.subscribe((event) => write(res, frame(event)));
      const heartbeat = setInterval(() => write(res, ': keep-alive\n\n'), HEARTBEAT_MS);
      heartbeat.unref();
      res.on('close', () => {
        unsubscribe();
        clearInterval(heartbeat);
      });
    },
  };
}
