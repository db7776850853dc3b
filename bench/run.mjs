/**
 * `pnpm bench`: builds the packages, starts the responder in its own process, measures every
 * available transport against the limit and its peers in interleaved rounds, then the memory
 * runs, cold imports and installed sizes, and writes bench/RESULTS.md.
 *
 * See bench/README.md for the method.
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { buildPackages, packageDir } from './runner/build-packages.mjs';
import { captureWireRequests } from './runner/capture-wire-requests.mjs';
import { runMemorySoaks } from './runner/memory-soak.mjs';
import { planSubjects } from './runner/plan-subjects.mjs';
import { startResponder } from './runner/responder-process.mjs';
import { parseRunOptions } from './runner/run-options.mjs';
import { runThroughputRounds } from './runner/throughput-rounds.mjs';
import { warmResponder } from './runner/warm-responder.mjs';
import { ensureHyperfine, measureColdImports } from './measure/cold-import.mjs';
import { installedTreeSize, rootPackageDir } from './measure/installed-size.mjs';
import { PEER_PACKAGES, TRANSPORT_ENTRIES } from './subjects/transport-entries.mjs';
import { describeMachine } from './report/machine.mjs';
import { renderResults } from './report/render-results.mjs';
import { loadRunRecord, saveRunRecord } from './report/run-record.mjs';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const CORE = '@afilnet-chat/core';

const log = (line) => console.log(`[bench] ${line}`);
const options = parseRunOptions(process.argv.slice(2));

if (options.renderOnly) {
  const run = loadRunRecord();
  writeFileSync(run.options.output, renderResults(run));
  log(`rendered ${fileURLToPath(run.options.output)} from bench/last-run.json`);
  process.exit(0);
}
// The cold imports are timed with hyperfine: without it, fail now with the command that
// installs it, not after the rest of the run.
ensureHyperfine();
const startedAt = new Date();
const loadAtStart = os.loadavg();

log(
  `${options.mode} run, ${options.rounds} rounds${options.build ? ', building the packages first' : ''}`,
);
const buildStatus = buildPackages([CORE, ...TRANSPORT_ENTRIES.map((e) => e.packageName)], {
  build: options.build,
});
if (!buildStatus.get(CORE).ok) {
  console.error(
    `[bench] ${CORE} is not available (${buildStatus.get(CORE).reason}); nothing to measure`,
  );
  process.exit(1);
}

const responder = await startResponder();
log(`responder at ${responder.baseUrl} (separate process)`);

const available = [];
const skipped = [];
const capturedByTransport = new Map();
for (const entry of TRANSPORT_ENTRIES) {
  if (options.transports && !options.transports.includes(entry.name)) continue;
  const status = buildStatus.get(entry.packageName);
  if (!status.ok) {
    skipped.push({ name: entry.name, reason: status.reason });
    continue;
  }
  try {
    const captured = await captureWireRequests(entry.name, responder.baseUrl);
    capturedByTransport.set(entry.name, captured);
    available.push({ entry, captured });
  } catch (error) {
    skipped.push({
      name: entry.name,
      reason: `does not work against the responder: ${error.message}`,
    });
  }
}
for (const { name, reason } of skipped) log(`transport ${name} left out: ${reason}`);
log(`transports measured: ${available.map((a) => a.entry.name).join(', ') || 'none'}`);

await warmResponder(capturedByTransport, options.mode === 'quick' ? 200 : 500);

const subjects = planSubjects(available);
const throughput = await runThroughputRounds(subjects, {
  rounds: options.rounds,
  timing: options,
  baseUrl: responder.baseUrl,
  capturedByTransport,
  responder,
  log,
});

log('memory runs');
const soaks = await runMemorySoaks(
  available.map((a) => a.entry.name),
  { timing: options, baseUrl: responder.baseUrl, capturedByTransport, responder, log },
);
await responder.stop();

log('cold imports');
const importSets = [
  { label: 'core alone', specifiers: [CORE] },
  ...available.map(({ entry }) => ({
    label: `core + ${entry.name}`,
    specifiers: [CORE, entry.packageName],
  })),
  { label: 'afilnet (peer)', specifiers: ['cjs:afilnet'] },
  { label: 'soap (node-soap, peer)', specifiers: ['cjs:soap'] },
  { label: 'simple-oauth2 (peer)', specifiers: ['cjs:simple-oauth2'] },
];
const coldImports = measureColdImports(importSets, options.importRuns);

log('installed sizes');
const sizes = [
  { label: CORE, ...installedTreeSize(packageDir(CORE)) },
  ...TRANSPORT_ENTRIES.filter((e) => buildStatus.get(e.packageName).ok).map((e) => ({
    label: e.packageName,
    ...installedTreeSize(packageDir(e.packageName)),
  })),
  // The libraries compared, each resolved from where it is installed.
  ...[
    ...Object.values(PEER_PACKAGES).map((name) => [name, ROOT]),
    ['simple-oauth2', ROOT],
    ['oauth4webapi', packageDir('@afilnet-chat/transport-json-oauth')],
  ].map(([name, from]) => {
    const dir = rootPackageDir(name, from);
    return dir
      ? { label: name, ...installedTreeSize(dir) }
      : { label: name, error: 'not installed' };
  }),
];

const run = {
  options,
  startedAt,
  finishedAt: new Date(),
  loadAtStart,
  machine: describeMachine(),
  available,
  skipped,
  subjects,
  throughput,
  soaks,
  coldImports,
  sizes,
};
saveRunRecord(run);
writeFileSync(options.output, renderResults(run));
log(
  `wrote ${fileURLToPath(options.output)} in ${((Date.now() - startedAt.getTime()) / 1000).toFixed(0)} s`,
);
