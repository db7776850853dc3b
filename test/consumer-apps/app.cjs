// CommonJS consumer: every published package by require(), then the shared exercise.
'use strict';
const { exercise } = require('./exercise.cjs');

const packages = JSON.parse(process.env.CONSUMER_PACKAGES);
const loaded = packages.map((name) => [name, Object.keys(require(name)).length]);
const core = require('@afilnet-chat/core');
require('@afilnet-chat/core/transport');
exercise(core).then(
  (results) => console.log(JSON.stringify({ runtime: 'node', loaded, results })),
  (error) => {
    console.error(error);
    process.exitCode = 1;
  },
);
