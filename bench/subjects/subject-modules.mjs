/** Where each kind of subject is set up; a worker imports only the one it runs. */
export const SUBJECT_MODULES = {
  client: './chat-client-subject.mjs',
  'client-baseline': './baseline-client-subject.mjs',
  'raw-dispatch': './raw-dispatch-subject.mjs',
  'raw-dispatch-parsed': './raw-dispatch-subject.mjs',
  executor: './executor-subject.mjs',
  'raw-undici': './raw-undici-subject.mjs',
  fetch: './global-fetch-subject.mjs',
  afilnet: './afilnet-subject.mjs',
  'node-soap': './node-soap-subject.mjs',
  'token-raw-undici': './token-subjects.mjs',
  'token-oauth4webapi': './token-subjects.mjs',
  'token-oauth4webapi-undici': './token-subjects.mjs',
  'token-simple-oauth2': './token-subjects.mjs',
};

/** Loads and sets up a subject: `{ call(method), close() }`. */
export async function setupSubject(subject, context) {
  const modulePath = SUBJECT_MODULES[subject.kind];
  if (!modulePath) throw new Error(`unknown subject kind ${subject.kind}`);
  const mod = await import(new URL(modulePath, import.meta.url).href);
  return mod.setup({ ...context, kind: subject.kind, transport: subject.transport });
}
