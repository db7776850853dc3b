/**
 * The command line of `pnpm bench` and the timing of a run. The default run is sized to finish
 * in well under ten minutes on a two-core machine; `--quick` is a smoke run of a couple of
 * minutes whose numbers are indicative only.
 */

const FULL = {
  mode: 'full',
  rounds: 5,
  // Per worker and method, before anything is measured: enough calls for V8 to tier up.
  jitWarmupMs: 600,
  jitWarmupCalls: 3000,
  // Per round, before a transport's slices: each of its subjects runs each method again, since
  // an idle worker's heap has shrunk meanwhile.
  rewarmMs: 250,
  // Before a subject's first slice of a scenario: settles the pool at the new concurrency.
  warmupMs: 100,
  maxWarmupCalls: 2000,
  // Per round, scenario and subject: this many measured slices, alternating with the other
  // subjects of the transport.
  sliceMs: 150,
  slicesPerRound: 3,
  maxCalls: 50_000,
  soakCalls: 100_000,
  soakSampleEvery: 10_000,
  soakMaxMs: 120_000,
  importRuns: 5,
};

const QUICK = {
  ...FULL,
  mode: 'quick',
  rounds: 2,
  jitWarmupMs: 300,
  jitWarmupCalls: 1500,
  warmupMs: 50,
  rewarmMs: 100,
  sliceMs: 100,
  slicesPerRound: 2,
  soakCalls: 20_000,
  soakSampleEvery: 2_000,
  soakMaxMs: 40_000,
  importRuns: 3,
};

const USAGE = `usage: node bench/run.mjs [--quick] [--rounds N] [--no-build] [--render-only] [--output FILE]
  --quick      a smoke run (2 rounds, short windows, 20,000-call memory run)
  --rounds N   rounds of the throughput scenarios (default 5; the report needs 5 for min/median/max)
  --no-build   use the packages' dist as they are
  --render-only  write the report again from bench/last-run.json, measuring nothing
  --output F   where to write the report (default bench/RESULTS.md)
  --transports a,b  measure only these transports (a partial run, to check one change)`;

/** Parses `argv` (without node and script). */
export function parseRunOptions(argv) {
  const options = { ...FULL, build: true, output: new URL('../RESULTS.md', import.meta.url) };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--quick') Object.assign(options, QUICK);
    else if (arg === '--no-build') options.build = false;
    else if (arg === '--render-only') options.renderOnly = true;
    else if (arg === '--rounds') options.rounds = Number(argv[++i]);
    else if (arg === '--output') options.output = new URL(argv[++i], `file://${process.cwd()}/`);
    else if (arg === '--transports') options.transports = argv[++i].split(',');
    else if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else {
      console.error(`unknown option ${arg}\n${USAGE}`);
      process.exit(2);
    }
  }
  if (!Number.isInteger(options.rounds) || options.rounds < 1 || options.rounds > 50) {
    console.error(`--rounds must be an integer from 1 to 50\n${USAGE}`);
    process.exit(2);
  }
  return options;
}
