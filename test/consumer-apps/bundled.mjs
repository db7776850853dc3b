// The app esbuild bundles: the transport is imported once for its registration and named by
// string; run minified, with the executor CONSUMER_EXECUTOR names (default undici).
import * as core from '@afilnet-chat/core';
import '@afilnet-chat/transport-post';
import exerciseModule from './exercise.cjs';

const executor = process.env.CONSUMER_EXECUTOR;
exerciseModule.exercise(core, { transports: ['post'], ...(executor ? { executor } : {}) }).then(
  (results) => console.log(JSON.stringify({ runtime: 'node', results })),
  (error) => {
    console.error(error);
    process.exitCode = 1;
  },
);
