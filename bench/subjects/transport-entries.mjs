/**
 * The transports measured, one entry each. Adding a transport to the benchmark is adding an
 * entry here: the runner captures the exact request it sends, replays those bytes with raw
 * undici (the limit) and global fetch, and compares it with its peer when it has one.
 *
 * A transport whose package is missing or does not build is left out of the run and named in
 * RESULTS.md, so the benchmark runs on whatever exists.
 */

export const TRANSPORT_ENTRIES = [
  {
    name: 'get',
    packageName: '@afilnet-chat/transport-get',
    factory: 'createGetTransport',
    targets: { vsLimit: 0.85 },
  },
  {
    name: 'post',
    packageName: '@afilnet-chat/transport-post',
    factory: 'createPostTransport',
    peer: 'afilnet',
    targets: { vsLimit: 0.85, vsPeer: 3 },
  },
  {
    name: 'basic',
    packageName: '@afilnet-chat/transport-basic',
    factory: 'createBasicTransport',
    targets: { vsLimit: 0.85 },
  },
  {
    name: 'soap',
    packageName: '@afilnet-chat/transport-soap',
    factory: 'createSoapTransport',
    peer: 'node-soap',
    targets: { vsLimit: 0.7, vsPeer: 3 },
  },
  {
    name: 'json-oauth',
    packageName: '@afilnet-chat/transport-json-oauth',
    factory: 'createJsonOAuthTransport',
    targets: { vsLimit: 0.85 },
  },
];

/** The package names of the peers, for the size and import measurements. */
export const PEER_PACKAGES = {
  afilnet: 'afilnet',
  'node-soap': 'soap',
};
