/**
 * The producer side of receiving on BullMQ: any number of processes run a poller; BullMQ runs one
 * poll of the account at a time and turns each inbound message into one job.
 */
import type { ChannelRef } from '@afilnet-chat/core';
import {
  acknowledgeInbound,
  pollInbound,
  type InboundApi,
  type InboundPollCalls,
  type InboundState,
} from '@afilnet-chat/core/inbound';
import {
  Queue,
  Worker,
  type ConnectionOptions,
  type DefaultJobOptions,
  type Job,
  type Telemetry,
} from 'bullmq';
import { fleetOptionChecks } from './check-options.js';
import {
  DEFAULT_INBOUND_QUEUE_NAME,
  INBOUND_JOB_NAME,
  inboundJobData,
  inboundJobId,
  type InboundJobData,
} from './inbound-job.js';
import {
  ConversationOrder,
  InboundPollSuperseded,
  InboundStateStore,
  openInboundRedis,
  type ConversationOrderKeys,
} from './inbound-redis.js';
import { currentTraceContext, inConsumerSpan } from './trace-context.js';

/** The default pause between two polls, in ms. */
export const DEFAULT_INBOUND_INTERVAL_MS = 5_000;
/**
 * How long a message job waiting for the one before it in its conversation sleeps before it
 * checks again by itself, in ms. Normally it is woken as soon as that one finishes; this only
 * matters when the process that finished it died in between.
 */
export const DEFAULT_RECHECK_MS = 30_000;
/** The shortest claim on a poll, in ms, whatever the interval: shorter would lapse under load. */
const MIN_POLL_LOCK_MS = 1_000;

/** Options of {@link createInboundPoller}. */
export interface InboundPollerOptions {
  /**
   * BullMQ's connection: ioredis options, or an ioredis client created with
   * `maxRetriesPerRequest: null`. A client you pass is never closed for you.
   */
  readonly connection: ConnectionOptions;
  /**
   * The queue of inbound messages (`afilnet-inbound`), which the workers name too. The polls run
   * on a queue of their own, this name followed by `-poll`. One queue listens to one account.
   */
  readonly queueName?: string;
  /** BullMQ's key prefix (BullMQ's `bull` when left out). */
  readonly prefix?: string;
  /** The client that polls (a `ChatClient`); never closed by the poller. */
  readonly client: InboundApi;
  /** Pause between two polls, in ms (5,000). Polling resumes within 3 intervals of the death of the process running it. */
  readonly intervalMs?: number;
  /** The channels to watch; when left out, every channel of the account, the list read again at most once a minute. */
  readonly channels?: readonly ChannelRef[];
  /**
   * Every this many ms, every known conversation is read too, whatever `getchats` says: the
   * safety sweep, spread over the polls of the interval (600,000; 0: never). See docs/inbound.md.
   */
  readonly sweepIntervalMs?: number;
  /**
   * Options of each message job, BullMQ's. Ours differ from BullMQ's defaults: `attempts: 3`,
   * exponential `backoff` from 1 s, and `removeOnComplete: { age: 604800 }`, the idempotency
   * window: a message found again within a week of its job completing is not queued again.
   * Failed jobs are kept (BullMQ's default).
   */
  readonly defaultJobOptions?: DefaultJobOptions;
  /** See {@link DEFAULT_RECHECK_MS} (30,000). */
  readonly recheckMs?: number;
  /** BullMQ's telemetry, for the poll queue, its worker and the message queue. */
  readonly telemetry?: Telemetry;
}

/** What one poll did: the `returnvalue` of each poll job. */
export interface InboundPollReport {
  /** Messages the poll took from the API. */
  readonly taken: number;
  /** Jobs it queued (taken now, or by an earlier poll that stopped before queueing them). */
  readonly queued: number;
  /** API calls it made, by method. */
  readonly calls: InboundPollCalls;
}

/** A running poller. */
export interface InboundPoller {
  /** The queue of message jobs, for its events, counts, failed jobs and dashboards. */
  readonly queue: Queue<InboundJobData>;
  /** The poll queue (one repeating job), for its events. */
  readonly pollQueue: Queue<Record<string, never>, InboundPollReport>;
  /** The worker that runs polls here: its `completed` event carries each {@link InboundPollReport}. */
  readonly worker: Worker<Record<string, never>, InboundPollReport>;
  /** Stops polling in this process (a poll running here is aborted, and saved progress kept); other pollers go on. */
  close(): Promise<void>;
}

/** The keys of the conversations' job order, beside the message queue's own. */
export function conversationOrderKeys(queue: Pick<Queue, 'toKey'>): ConversationOrderKeys {
  return {
    tail: queue.toKey('order-tail'),
    previous: queue.toKey('order-previous'),
    following: queue.toKey('order-following'),
  };
}

const SCHEDULER_ID = 'poll';
const isFinished = (state: string) =>
  state === 'completed' || state === 'failed' || state === 'unknown';

/**
 * Starts polling the account on BullMQ. Every process may run one: a job scheduler repeats a
 * poll job every `intervalMs` on the poll queue, whose global concurrency is 1, so one poll runs
 * at a time across all of them; when the process running it dies, BullMQ's stalled-job check
 * hands the poll to another within 3 intervals. The poll runs `pollInbound` on the state kept in
 * Redis (no credential in it), saving at each of its save points; each message taken becomes one
 * job (id {@link inboundJobId}), placed after the previous message of its conversation, and is
 * acknowledged in the state only once queued.
 *
 * @returns once the poller's worker is connected.
 * @throws {AfilnetValidationError} `INVALID_CONFIG` naming each bad option, never its value.
 * @see docs/fleet.md
 */
export async function createInboundPoller(options: InboundPollerOptions): Promise<InboundPoller> {
  const checks = fleetOptionChecks(options, 'inbound poller')
    .name('queueName')
    .name('prefix')
    .integer('intervalMs', 'milliseconds', 10)
    .integer('sweepIntervalMs', 'milliseconds', 0)
    .integer('recheckMs', 'milliseconds', 10);
  const client: unknown = options?.client;
  if (
    typeof client !== 'object' ||
    client === null ||
    typeof (client as InboundApi).getChats !== 'function'
  ) {
    checks.problem('client', 'must be a ChatClient (createChatClient)');
  }
  if (options?.channels !== undefined && !Array.isArray(options.channels))
    checks.problem('channels', 'must be a list of { platform, platformId }');
  checks.done();

  const queueName = options.queueName ?? DEFAULT_INBOUND_QUEUE_NAME;
  const intervalMs = options.intervalMs ?? DEFAULT_INBOUND_INTERVAL_MS;
  const recheckMs = options.recheckMs ?? DEFAULT_RECHECK_MS;
  const base = {
    connection: options.connection,
    ...(options.prefix === undefined ? {} : { prefix: options.prefix }),
    ...(options.telemetry === undefined ? {} : { telemetry: options.telemetry }),
  };
  const queue = new Queue<InboundJobData>(queueName, {
    ...base,
    defaultJobOptions: {
      attempts: 3,
      backoff: { type: 'exponential', delay: 1_000 },
      removeOnComplete: { age: 7 * 24 * 3_600 },
      ...options.defaultJobOptions,
    },
  });
  const pollQueue = new Queue<Record<string, never>, InboundPollReport>(`${queueName}-poll`, base);
  const redis = openInboundRedis(options.connection);
  const store = new InboundStateStore(redis, pollQueue.toKey('state'));
  const order = new ConversationOrder(redis, conversationOrderKeys(queue), (id) => queue.toKey(id));
  const api = options.client;
  const running = new Map<string, AbortController>();

  /** Queues every pending message, then acknowledges and saves them. Returns how many jobs were added. */
  async function queuePending(
    state: InboundState,
    save: (state: InboundState) => Promise<void>,
  ): Promise<number> {
    const pending = [...state.pending];
    if (pending.length === 0) return 0;
    const jobs = pending.map((message) => ({
      message,
      id: inboundJobId(message),
      conversation: inboundJobData(message, undefined).conversation,
    }));
    const previous = await order.chain(jobs);
    const added: Array<{ id: string; previous: string | undefined }> = [];
    // The poll's span: each message's handler continues the trace of the poll that found it.
    const traceContext = await currentTraceContext();
    const bulk = [];
    for (const [index, job] of jobs.entries()) {
      const before = previous[index];
      if (before === 'queued') continue;
      added.push({ id: job.id, previous: before });
      bulk.push({
        name: INBOUND_JOB_NAME,
        data: inboundJobData(job.message, before, traceContext),
        // A job with a predecessor sleeps until that one finishes and wakes it.
        opts: { jobId: job.id, ...(before === undefined ? {} : { delay: recheckMs }) },
      });
    }
    if (bulk.length > 0) await queue.addBulk(bulk);
    // A predecessor queued by an earlier poll may have finished before this job existed to be
    // woken: wake it here. (Its finisher wakes it when it finishes after this check.)
    const addedIds = new Set(added.map((a) => a.id));
    await Promise.all(
      added
        .filter((a) => a.previous !== undefined && !addedIds.has(a.previous))
        .map(async ({ id, previous: before }) => {
          if (!isFinished(await queue.getJobState(before as string))) return;
          await (await queue.getJob(id))?.promote().catch(() => undefined);
        }),
    );
    acknowledgeInbound(
      state,
      pending.map((m) => m.messageId),
    );
    await save(state);
    return bulk.length;
  }

  /** One poll, in a CONSUMER span of the poll queue that the client's calls and the message jobs continue. */
  const poll = (job: Job<Record<string, never>, InboundPollReport>): Promise<InboundPollReport> =>
    inConsumerSpan({ queueName: pollQueue.name, carried: undefined }, () => pollOnce(job));

  async function pollOnce(
    job: Job<Record<string, never>, InboundPollReport>,
  ): Promise<InboundPollReport> {
    const abort = new AbortController();
    running.set(job.id ?? '', abort);
    let release: (() => void) | undefined;
    try {
      const loaded = await store.load();
      release = loaded.release;
      const { state, save } = loaded;
      // Messages an earlier poll took and did not get to queue.
      let queued = await queuePending(state, save);
      let failure: { error: unknown } | undefined;
      let result: Awaited<ReturnType<typeof pollInbound>> | undefined;
      try {
        result = await pollInbound(state, api, {
          save,
          signal: abort.signal,
          ...(options.channels === undefined ? {} : { channels: options.channels }),
          ...(options.sweepIntervalMs === undefined
            ? {}
            : { sweepIntervalMs: options.sweepIntervalMs }),
        });
      } catch (error) {
        failure = { error };
      }
      // What was taken before an API or network failure is queued all the same.
      if (!(failure?.error instanceof InboundPollSuperseded) && !abort.signal.aborted)
        queued += await queuePending(state, save);
      if (failure !== undefined) throw failure.error;
      return {
        taken: result?.messages.length ?? 0,
        queued,
        calls: result?.calls ?? {
          getchatchannels: 0,
          getchats: 0,
          getunreadmessages: 0,
          getmessages: 0,
        },
      };
    } finally {
      release?.();
      running.delete(job.id ?? '');
    }
  }

  const lockDuration = Math.max(intervalMs, MIN_POLL_LOCK_MS);
  const worker = new Worker<Record<string, never>, InboundPollReport>(`${queueName}-poll`, poll, {
    ...base,
    concurrency: 1,
    // A dead poller's claim lapses after one interval and is found within half of one more, so
    // the poll resumes within 3 intervals of its death (the stalled job is polled again).
    lockDuration,
    stalledInterval: Math.max(Math.floor(lockDuration / 2), 500),
    removeOnComplete: { count: 100 },
    removeOnFail: { count: 100 },
  });
  // A poll whose claim lapsed (this process starved of CPU) may have been handed to another:
  // stop it; its saves would be refused anyway.
  worker.on('lockRenewalFailed', (ids: string[]) => {
    for (const id of ids) running.get(id)?.abort(new Error('the poll lost its BullMQ lock'));
  });
  // BullMQ reports connection trouble as `error` events and reconnects by itself; unheard, Node
  // would end the process on the first one. Listen on `poller.worker` to see them.
  worker.on('error', () => undefined);

  try {
    await pollQueue.setGlobalConcurrency(1);
    await pollQueue.upsertJobScheduler(
      SCHEDULER_ID,
      { every: intervalMs },
      {
        name: SCHEDULER_ID,
        data: {},
        opts: { removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } },
      },
    );
    await worker.waitUntilReady();
  } catch (error) {
    await Promise.allSettled([worker.close(), pollQueue.close(), queue.close()]);
    redis.disconnect();
    throw error;
  }

  return {
    queue,
    pollQueue,
    worker,
    async close() {
      for (const abort of running.values()) abort.abort(new Error('the poller is closing'));
      await worker.close();
      await Promise.allSettled([pollQueue.close(), queue.close(), redis.quit()]);
    },
  };
}
