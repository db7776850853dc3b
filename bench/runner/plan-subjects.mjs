/**
 * What a run measures: for each transport that is available, our client, the limit (undici's
 * `Agent.dispatch()` with a minimal handler, sending the transport's own bytes), `undici.request`
 * and global fetch with the same bytes, and its peer; plus the OAuth token-request libraries.
 */
import { METHODS } from '../subjects/bench-input.mjs';

const CONCURRENCIES = [1, 64];

/** The four throughput scenarios, in the order a worker runs them. */
export const SCENARIOS = METHODS.flatMap((method) =>
  CONCURRENCIES.map((concurrency) => ({ method, concurrency })),
);

/** The token scenarios: one token request per call, no cache. */
export const TOKEN_SCENARIOS = CONCURRENCIES.map((concurrency) => ({
  method: 'token',
  concurrency,
}));

const PEER_LABELS = { afilnet: 'afilnet (official npm package)', 'node-soap': 'node-soap' };

/** Subjects for the transports given (`[{ entry, captured }]`), then the token subjects. */
export function planSubjects(available) {
  const subjects = [];
  for (const { entry } of available) {
    const t = entry.name;
    subjects.push({
      id: `${t}:client`,
      kind: 'client',
      transport: t,
      label: `afilnet-chat ${t}`,
      scenarios: SCENARIOS,
    });
    subjects.push({
      id: `${t}:raw-dispatch`,
      kind: 'raw-dispatch',
      transport: t,
      label: 'raw Agent.dispatch() (limit)',
      scenarios: SCENARIOS,
    });
    subjects.push({
      id: `${t}:raw-undici`,
      kind: 'raw-undici',
      transport: t,
      label: 'raw undici.request',
      scenarios: SCENARIOS,
    });
    subjects.push({
      id: `${t}:fetch`,
      kind: 'fetch',
      transport: t,
      label: 'global fetch',
      scenarios: SCENARIOS,
    });
    if (entry.peer) {
      subjects.push({
        id: `${t}:${entry.peer}`,
        kind: entry.peer,
        transport: t,
        label: PEER_LABELS[entry.peer],
        scenarios: SCENARIOS,
      });
    }
  }
  for (const [kind, label] of [
    ['token-raw-undici', 'raw undici.request (limit)'],
    ['token-oauth4webapi', 'oauth4webapi (global fetch)'],
    ['token-oauth4webapi-undici', 'oauth4webapi (customFetch over undici.request)'],
    ['token-simple-oauth2', 'simple-oauth2'],
  ]) {
    subjects.push({
      id: `oauth:${kind}`,
      kind,
      transport: 'oauth',
      label,
      scenarios: TOKEN_SCENARIOS,
    });
  }
  return subjects;
}

/** A scenario's key in the results. */
export function scenarioKey({ method, concurrency }) {
  return `${method}@${concurrency}`;
}
