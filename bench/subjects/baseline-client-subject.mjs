/**
 * Our client as built from another copy of the packages (`AFILNET_BASELINE_DIR`, a directory
 * holding `packages/*` with their `dist` and a `node_modules` that resolves them), set up as
 * `chat-client-subject.mjs` sets up the current one: to measure a change side by side with the
 * code before it, in one run (`profiling/side-by-side.mjs --kinds client,client-baseline,…`).
 */
import { clientSubject } from './chat-client-subject.mjs';

export async function setup(options) {
  const dir = process.env.AFILNET_BASELINE_DIR;
  if (!dir) throw new Error('client-baseline needs AFILNET_BASELINE_DIR');
  const { createChatClient } = await import(`${dir}/packages/core/dist/index.js`);
  return clientSubject(createChatClient, options);
}
