/** The memory run of each transport: `soakCalls` sendmessage calls at concurrency 64 in one process. */
import { startWorker } from './worker-process.mjs';

const SOAK_WORKER = new URL('../worker/soak-worker.mjs', import.meta.url);

/** Answers `[{ transport, ok, value: { calls, startRssMb, samples, timedOut } } | { transport, ok: false, error }]`. */
export async function runMemorySoaks(
  transports,
  { timing, baseUrl, capturedByTransport, responder, log },
) {
  const outcomes = [];
  for (const transport of transports) {
    // --expose-gc only for the two forced collections that tell live heap from garbage.
    const worker = startWorker(SOAK_WORKER, { responder, execArgv: ['--expose-gc'] });
    const reply = await worker.command(
      'soak',
      {
        subject: { kind: 'client', transport },
        method: 'sendmessage',
        concurrency: 64,
        calls: timing.soakCalls,
        sampleEvery: timing.soakSampleEvery,
        maxDurationMs: timing.soakMaxMs,
        baseUrl,
        captured: capturedByTransport.get(transport),
      },
      timing.soakMaxMs + 30_000,
    );
    await worker.stop();
    outcomes.push({ transport, ...reply });
    log(`  memory run ${transport}: ${reply.ok ? `${reply.value.calls} calls` : reply.error}`);
  }
  return outcomes;
}
