/**
 * The transports measured, one entry each. Adding a transport to the benchmark is adding an
 * entry here: the runner captures the exact request it sends, replays those bytes with raw
 * undici (`Agent.dispatch()`, the limit, and `undici.request`) and global fetch, and compares it
 * with its peer when it has one.
 *
 * A transport whose package is missing is left out of the run and named in RESULTS.md, so the
 * benchmark runs on whatever exists; the packages are built by the repository's build, which
 * must pass.
 *
 * `targets`, each at concurrency 64 for every method: `vsLimit`, the least requests per second
 * as a share of the limit's (raw `Agent.dispatch()`); `cpuVsLimit`, the most client CPU time per
 * call as a multiple of the limit's; `vsPeer`, the least requests per second as a multiple of
 * the peer's; `vsPeerShareOfRequest`, the least of our ratio to the peer as a share of
 * `undici.request`'s own ratio to that peer (for a peer that no client on undici can outrun by a
 * fixed factor).
 */

export const TRANSPORT_ENTRIES = [
  {
    name: 'get',
    packageName: '@afilnet-chat/transport-get',
    factory: 'createGetTransport',
    targets: { vsLimit: 0.85, cpuVsLimit: 1.2 },
  },
  {
    name: 'post',
    packageName: '@afilnet-chat/transport-post',
    factory: 'createPostTransport',
    peer: 'afilnet',
    targets: { vsLimit: 0.85, cpuVsLimit: 1.2, vsPeerShareOfRequest: 0.9 },
  },
  {
    name: 'basic',
    packageName: '@afilnet-chat/transport-basic',
    factory: 'createBasicTransport',
    targets: { vsLimit: 0.85, cpuVsLimit: 1.2 },
  },
  {
    name: 'soap',
    packageName: '@afilnet-chat/transport-soap',
    factory: 'createSoapTransport',
    peer: 'node-soap',
    targets: { vsLimit: 0.8, cpuVsLimit: 1.2, vsPeer: 4 },
  },
  {
    name: 'json-oauth',
    packageName: '@afilnet-chat/transport-json-oauth',
    factory: 'createJsonOAuthTransport',
    targets: { vsLimit: 0.85, cpuVsLimit: 1.2 },
  },
];

/** The package names of the peers, for the size and import measurements. */
export const PEER_PACKAGES = {
  afilnet: 'afilnet',
  'node-soap': 'soap',
};
