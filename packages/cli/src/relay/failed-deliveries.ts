/**
 * The failed list of the in-process relay: messages whose retry window closed without a 2xx,
 * kept in a JSON file beside the checkpoint until `--retry-failed` queues them again. Each change
 * rewrites the file with core's `writeFileAtomic` (written aside, flushed, renamed, directory
 * flushed), so a kill at any instant leaves the old list or the new one; a message is
 * acknowledged in the checkpoint only after its entry is on disk.
 */
import { readFile } from 'node:fs/promises';
import type { ChatMessage } from '@afilnet-chat/core';
import { PLATFORMS } from '@afilnet-chat/core/constants';
import { writeFileAtomic, type InboundMessage } from '@afilnet-chat/core/inbound';
import { CliUsageError } from '../cli-usage-error.js';

/** The `format` field of the file. */
export const FAILED_FORMAT = 'afilnet-chat/relay-failed';
/** The `version` field of the file. */
export const FAILED_VERSION = 1;

/** One message the relay gave up on, as `--failed` lists it. */
export interface FailedDelivery {
  /** The event's `webhook-id`, the same when it is delivered later. */
  readonly webhookId: string;
  /** When the window closed, RFC 3339. */
  readonly failedAt: string;
  /** How many attempts were made. */
  readonly attempts: number;
  /** Why the last attempt failed (`HTTP 500`, `timeout after 15000 ms`…). */
  readonly reason: string;
  /** The message, of a conversation on a known platform (the only ones the relay listens to). */
  readonly message: InboundMessage;
}

/** A failed list. */
export interface FailedDeliveries {
  /** Every entry, oldest first. */
  list(): Promise<FailedDelivery[]>;
  /** Adds (or replaces, by `webhookId`) an entry; resolves once it is on disk. */
  add(entry: FailedDelivery): Promise<void>;
  /** Removes the entries with these ids; resolves once the file says so. */
  remove(webhookIds: Iterable<string>): Promise<void>;
}

/** The failed list beside the checkpoint `checkpointPath`: `x.json` → `x.failed.json`. */
export function failedPathFor(checkpointPath: string): string {
  return checkpointPath.endsWith('.json')
    ? `${checkpointPath.slice(0, -'.json'.length)}.failed.json`
    : `${checkpointPath}.failed.json`;
}

/** Whether `message` is of a known platform, as every message the relay takes in is. */
export function isInboundMessage(message: ChatMessage): message is InboundMessage {
  return (PLATFORMS as readonly string[]).includes(message.platform);
}

function isEntry(value: unknown): value is FailedDelivery {
  if (typeof value !== 'object' || value === null) return false;
  const e = value as Record<string, unknown>;
  const m = e.message as Record<string, unknown> | null | undefined;
  return (
    typeof e.webhookId === 'string' &&
    typeof e.failedAt === 'string' &&
    typeof e.attempts === 'number' &&
    typeof e.reason === 'string' &&
    typeof m === 'object' &&
    m !== null &&
    typeof m.messageId === 'string' &&
    typeof m.platform === 'string' &&
    typeof m.platformId === 'string' &&
    typeof m.destination === 'string' &&
    isInboundMessage(m as unknown as ChatMessage)
  );
}

/**
 * The failed list in the file at `path` (created on the first failure).
 *
 * @throws {CliUsageError} from each method, naming the path, when the file is not a failed list
 *   (it is then left untouched).
 */
export function createFailedFile(path: string): FailedDeliveries {
  // Changes are serialised: each reads the latest list and writes it whole.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(task: () => Promise<T>): Promise<T> => {
    const run = queue.then(task);
    queue = run.catch(() => undefined);
    return run;
  };
  const read = async (): Promise<FailedDelivery[]> => {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as { code?: unknown }).code === 'ENOENT') return [];
      throw error;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    const file = parsed as { format?: unknown; version?: unknown; failed?: unknown } | undefined;
    if (
      file?.format !== FAILED_FORMAT ||
      file.version !== FAILED_VERSION ||
      !Array.isArray(file.failed) ||
      !file.failed.every(isEntry)
    ) {
      throw new CliUsageError(
        `${path} is not a relay's failed list (format ${FAILED_FORMAT}, version ${FAILED_VERSION}); it was left untouched`,
        'relay',
      );
    }
    return file.failed;
  };
  const write = (failed: FailedDelivery[]) =>
    writeFileAtomic(
      path,
      `${JSON.stringify({ format: FAILED_FORMAT, version: FAILED_VERSION, failed }, null, 1)}\n`,
    );
  return {
    list: () => serial(read),
    add: (entry) =>
      serial(async () => {
        const failed = (await read()).filter((e) => e.webhookId !== entry.webhookId);
        failed.push(entry);
        await write(failed);
      }),
    remove: (webhookIds) =>
      serial(async () => {
        const gone = new Set(webhookIds);
        const failed = await read();
        const kept = failed.filter((e) => !gone.has(e.webhookId));
        if (kept.length !== failed.length) await write(kept);
      }),
  };
}
