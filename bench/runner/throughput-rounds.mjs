/**
 * The rounds. Every subject lives in its own worker process for the whole run, set up and
 * warmed once; a round runs each scenario on every subject in turn, subjects of one transport
 * next to each other, transports and subjects shuffled per round. Subjects compared in a ratio
 * thus ran within seconds of each other, so that the noise of a shared machine falls on them
 * alike.
 */
import { startWorker } from './worker-process.mjs';
import { scenarioKey } from './plan-subjects.mjs';

const LOAD_WORKER = new URL('../worker/load-worker.mjs', import.meta.url);

function shuffled(list) {
  const copy = [...list];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}

/** The subjects of a round in run order: groups by transport, both levels shuffled. */
function roundOrder(subjects) {
  const groups = new Map();
  for (const s of subjects) groups.set(s.transport, [...(groups.get(s.transport) ?? []), s]);
  return shuffled([...groups.values()]).flatMap(shuffled);
}

/**
 * Runs `rounds` rounds. Answers `results` (`Map<subjectId, Map<scenarioKey, Array<result |
 * undefined>>>` indexed by round) and `failures` (`Map<subjectId, message>`).
 */
export async function runThroughputRounds(subjects, { rounds, timing, baseUrl, capturedByTransport, responder, log }) {
  const results = new Map(subjects.map((s) => [s.id, new Map(s.scenarios.map((sc) => [scenarioKey(sc), []]))]));
  const failures = new Map();
  const workers = new Map();
  const scenarioLimitMs = timing.warmupMs + timing.measureMs + 30_000;

  // Set up one at a time, so that no subject's warm-up competes with another's.
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

  try {
    for (let round = 0; round < rounds; round++) {
      const started = Date.now();
      const scenarios = [...new Map(subjects.flatMap((s) => s.scenarios).map((s) => [scenarioKey(s), s])).values()];
      for (const scenario of scenarios) {
        const key = scenarioKey(scenario);
        for (const subject of roundOrder(subjects)) {
          const worker = workers.get(subject.id);
          if (!worker || !results.get(subject.id).has(key)) continue;
          const reply = await worker.command('scenario', scenario, scenarioLimitMs);
          if (reply.ok) results.get(subject.id).get(key)[round] = reply.value;
          else {
            failures.set(subject.id, reply.error);
            log(`  round ${round + 1}: ${subject.id} ${key} failed: ${reply.error}`);
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
