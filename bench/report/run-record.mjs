/**
 * A run's measurements as JSON (bench/last-run.json, not committed), so that the report can be
 * rendered again without measuring again (`node bench/run.mjs --render-only`).
 */
import { readFileSync, writeFileSync } from 'node:fs';

const RECORD = new URL('../last-run.json', import.meta.url);

function toPlain(run) {
  return {
    ...run,
    options: { ...run.options, output: String(run.options.output) },
    throughput: {
      results: [...run.throughput.results].map(([id, byKey]) => [id, [...byKey]]),
      failures: [...run.throughput.failures],
    },
  };
}

function fromPlain(plain) {
  return {
    ...plain,
    startedAt: new Date(plain.startedAt),
    finishedAt: new Date(plain.finishedAt),
    options: { ...plain.options, output: new URL(plain.options.output) },
    throughput: {
      results: new Map(plain.throughput.results.map(([id, byKey]) => [id, new Map(byKey)])),
      failures: new Map(plain.throughput.failures),
    },
  };
}

export function saveRunRecord(run) {
  writeFileSync(RECORD, JSON.stringify(toPlain(run)));
}

export function loadRunRecord() {
  return fromPlain(JSON.parse(readFileSync(RECORD, 'utf8')));
}
