// The app esbuild bundles: the transport is named by string only (core's literal import of it is
// what the bundler follows); run minified, with the executor CONSUMER_EXECUTOR names (default undici).
import * as core from '@afilnet-chat/core';
import exerciseModule from './exercise.cjs';

const executor = process.env.CONSUMER_EXECUTOR;
exerciseModule.exercise(core, { transports: ['post'], ...(executor ? { executor } : {}) }).then(
  (results) => console.log(JSON.stringify({ runtime: 'node', results })),
  (error) => {
    console.error(error);
    process.exitCode = 1;
  },
);
