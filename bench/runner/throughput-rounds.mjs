/**
 * The rounds. Every subject lives in its own worker process for the whole run, set up and
 * warmed once. A round runs, for each scenario and each transport, short slices of that
 * transport's subjects in alternation (our client, the limit, fetch, the peer, in an order
 * shuffled per cycle), several cycles, and adds up each subject's slices. Subjects compared in a
 * ratio thus share the same seconds of the machine's noise, which on a shared machine matters
 * more than anything else.
 */
import { startWorker } from './worker-process.mjs';
import { scenarioKey } from './plan-subjects.mjs';
import { latencyStats } from '../worker/load-loop.mjs';

const LOAD_WORKER = new URL('../worker/load-worker.mjs', import.meta.url);

function shuffled(list) {
  const copy = [...list];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}

/** The subjects grouped by transport (token subjects form their own group). */
function groupsOf(subjects) {
  const groups = new Map();
  for (const s of subjects) groups.set(s.transport, [...(groups.get(s.transport) ?? []), s]);
  return [...groups.values()];
}

/** Adds up the slices of one subject, scenario and round into the figures the report shows. */
function combineSlices(slices, scenario) {
  let calls = 0;
  let elapsedMs = 0;
  let cpuUs = 0;
  let serverCpuUs = 0;
  let serverRequests = 0;
  let connections = 0;
  let peakRssMb = 0;
  const latencies = [];
  for (const s of slices) {
    calls += s.calls;
    elapsedMs += s.elapsedMs;
    cpuUs += s.cpuUs;
    serverCpuUs += s.serverCpuUs;
    serverRequests += s.serverRequests;
    connections += s.connections;
    peakRssMb = Math.max(peakRssMb, s.peakRssMb);
    for (const l of s.latencies) latencies.push(l);
  }
  return {
    ...scenario,
    calls,
    elapsedMs,
    reqPerSec: (calls / elapsedMs) * 1000,
    ...latencyStats(latencies),
    clientCpuUsPerCall: cpuUs / calls,
    serverCpuUsPerCall: serverCpuUs / Math.max(1, serverRequests),
    connectionsPerCall: connections / Math.max(1, serverRequests),
    peakRssMb,
  };
}

async function startWorkers(
  subjects,
  { timing, baseUrl, capturedByTransport, responder, log, failures },
) {
  const workers = new Map();
  // One at a time, so that no subject's warm-up competes with another's.
  for (const subject of subjects) {
    const worker = startWorker(LOAD_WORKER, { responder });
    const reply = await worker.command(
      'setup',
      {
        subject: { kind: subject.kind, transport: subject.transport },
        methods: [...new Set(subject.scenarios.map((s) => s.method))],
        timing,
        baseUrl,
        captured: capturedByTransport.get(subject.transport),
      },
      60_000,
    );
    if (!reply.ok) {
      failures.set(subject.id, `setup: ${reply.error}`);
      log(`  ${subject.id} failed to set up: ${reply.error}`);
      await worker.stop();
      continue;
    }
    workers.set(subject.id, worker);
  }
  return workers;
}

/**
 * Runs `rounds` rounds. Answers `results` (`Map<subjectId, Map<scenarioKey, Array<result |
 * undefined>>>` indexed by round) and `failures` (`Map<subjectId, message>`).
 */
export async function runThroughputRounds(
  subjects,
  { rounds, timing, baseUrl, capturedByTransport, responder, log },
) {
  const results = new Map(
    subjects.map((s) => [s.id, new Map(s.scenarios.map((sc) => [scenarioKey(sc), []]))]),
  );
  const failures = new Map();
  const workers = await startWorkers(subjects, {
    timing,
    baseUrl,
    capturedByTransport,
    responder,
    log,
    failures,
  });
  const sliceLimitMs = timing.warmupMs + timing.sliceMs + 30_000;
  try {
    for (let round = 0; round < rounds; round++) {
      const started = Date.now();
      for (const group of shuffled(groupsOf(subjects))) {
        for (const subject of group) {
          const methods = [...new Set(subject.scenarios.map((sc) => sc.method))];
          await workers
            .get(subject.id)
            ?.command('rewarm', { methods, durationMs: timing.rewarmMs }, 30_000);
        }
        for (const scenario of group[0].scenarios) {
          const key = scenarioKey(scenario);
          const slices = new Map(group.map((s) => [s.id, []]));
          for (let cycle = 0; cycle < timing.slicesPerRound; cycle++) {
            for (const subject of shuffled(group)) {
              const worker = workers.get(subject.id);
              if (!worker) continue;
              const reply = await worker.command(
                'slice',
                { ...scenario, sliceMs: timing.sliceMs, warmMs: cycle === 0 ? timing.warmupMs : 0 },
                sliceLimitMs,
              );
              if (reply.ok) slices.get(subject.id).push(reply.value);
              else {
                failures.set(subject.id, reply.error);
                log(`  round ${round + 1}: ${subject.id} ${key} failed: ${reply.error}`);
              }
            }
          }
          for (const [id, list] of slices) {
            if (list.length === timing.slicesPerRound)
              results.get(id).get(key)[round] = combineSlices(list, scenario);
          }
        }
      }
      log(`round ${round + 1}/${rounds} done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    }
  } finally {
    await Promise.all([...workers.values()].map((w) => w.stop()));
  }
  return { results, failures };
}
