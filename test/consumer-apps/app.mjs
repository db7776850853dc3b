// ESM consumer (also run by Bun and Deno): core by import, transports loaded by name on demand.
import * as core from '@afilnet-chat/core';
import exerciseModule from './exercise.cjs';

const results = await exerciseModule.exercise(core);
console.log(
  JSON.stringify({
    runtime: typeof Deno !== 'undefined' ? 'deno' : process.versions.bun ? 'bun' : 'node',
    results,
  }),
);
