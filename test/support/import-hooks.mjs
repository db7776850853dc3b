// Module resolution hooks for child processes of the import tests: record every module URL
// that gets resolved, and make one package specifier fail as if it were not installed.
import { appendFileSync } from 'node:fs';

export async function resolve(specifier, context, nextResolve) {
  const blocked = process.env.AFILNET_TEST_BLOCK_PACKAGE;
  if (blocked && specifier === blocked) {
    const error = new Error(
      `Cannot find package '${specifier}' imported from ${context.parentURL}`,
    );
    error.code = 'ERR_MODULE_NOT_FOUND';
    throw error;
  }
  const result = await nextResolve(specifier, context);
  if (process.env.AFILNET_TEST_RECORD_FILE)
    appendFileSync(process.env.AFILNET_TEST_RECORD_FILE, `${result.url}\n`);
  return result;
}
