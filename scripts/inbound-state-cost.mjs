// What the fleet's inbound poller costs Redis per poll once it knows many conversations, on the
// built packages (`pnpm build` first). The sandbox (in this process) holds N conversations
// (10,000 by default); a poller on a redis-server takes them all in, then, for each measured poll,
// a share of them (1 % by default) receive one message just before it. Per poll, it reports the
// bytes clients sent to Redis and received from it, their commands (and those Lua ran), and the
// saves of the poll state: how many, and the bytes of their arguments.
//
//   node scripts/inbound-state-cost.mjs [--conversations 10000] [--changing 1,10] [--polls 5]
//                                       [--interval 5000]
//
// Exits 1 when a message injected was not taken by the poll that followed.
import { DEMO_ACCOUNT, startSandbox } from '@afilnet-chat/sandbox';
import { createChatClient } from '@afilnet-chat/core';
import { createInboundPoller } from '@afilnet-chat/bullmq';
import '@afilnet-chat/transport-post';
import { Redis } from 'ioredis';
import { startRedisServer } from './redis-server.mjs';

const CHANNELS = [
  { platform: 'whatsapp', platformId: '100' },
  { platform: 'telegram', platformId: '200' },
  { platform: 'webchat', platformId: '300' },
  { platform: 'operator', platformId: '400' },
];

function parseArgs(argv) {
  const options = { conversations: 10_000, changing: [1, 10], polls: 5, intervalMs: 5_000 };
  for (let i = 0; i < argv.length; i += 2) {
    const [name, value] = [argv[i], argv[i + 1]];
    if (name === '--conversations') options.conversations = Number(value);
    else if (name === '--changing') options.changing = value.split(',').map(Number);
    else if (name === '--polls') options.polls = Number(value);
    else if (name === '--interval') options.intervalMs = Number(value);
    else throw new Error(`unknown option ${name}`);
  }
  if (!(options.conversations > 0) || options.conversations % CHANNELS.length !== 0)
    throw new Error('--conversations must be a positive multiple of 4');
  return options;
}

/** Bytes clients sent to Redis and Redis sent back (INFO stats), since it started. */
async function netBytes(admin) {
  const info = await admin.info('stats');
  const field = (name) => Number(new RegExp(`${name}:(\\d+)`).exec(info)?.[1] ?? 0);
  return { in: field('total_net_input_bytes'), out: field('total_net_output_bytes') };
}

/** Commands Redis ran, Lua's included (INFO commandstats), leaving out the measuring ones. */
async function commandCalls(admin) {
  let calls = 0;
  for (const line of (await admin.info('commandstats')).split('\n')) {
    const match = /^cmdstat_([^:]+):calls=(\d+)/.exec(line.trim());
    if (match && !/^(info|config|monitor|client)/.test(match[1])) calls += Number(match[2]);
  }
  return calls;
}

const options = parseArgs(process.argv.slice(2));
const redisServer = await startRedisServer();
const sandbox = await startSandbox();
const admin = new Redis(redisServer.url);
admin.on('error', () => undefined);
const queueName = 'cost';
const stateKey = `bull:${queueName}-poll:state`;
const chat = createChatClient({
  transport: 'post',
  baseUrl: sandbox.url,
  credentials: { user: DEMO_ACCOUNT.user, password: DEMO_ACCOUNT.password },
  allowInsecureHttp: true,
});
const prefix = 'cost-';
sandbox.injectInboundBulk({
  generate: {
    conversationsPerChannel: options.conversations / CHANNELS.length,
    destinationPrefix: prefix,
  },
});
const poller = await createInboundPoller({
  connection: { host: '127.0.0.1', port: redisServer.port, maxRetriesPerRequest: null },
  queueName,
  client: chat,
  intervalMs: options.intervalMs,
  sweepIntervalMs: 0,
});
const completions = [];
let wake;
poller.worker.on('completed', (_job, report) => {
  completions.push(report);
  wake?.();
});
const nextPoll = () =>
  new Promise((resolve) => {
    const seen = completions.length;
    wake = () => {
      if (completions.length > seen) resolve(completions.at(-1));
    };
  });

/**
 * One message in each of `changing` distinct conversations, all before the next poll starts
 * (the injection is synchronous), then that poll; resolves with its report.
 */
async function changeThenPoll(changing, poll) {
  const picked = new Set();
  while (picked.size < changing) picked.add(Math.floor(Math.random() * options.conversations));
  for (const n of picked) {
    sandbox.injectInbound({
      user: DEMO_ACCOUNT.user,
      ...CHANNELS[n % CHANNELS.length],
      destination: `${prefix}${1 + Math.floor(n / CHANNELS.length)}`,
      message: `change ${poll}`,
    });
  }
  const report = await nextPoll();
  if (report.taken !== changing) {
    ok = false;
    console.error(`a poll took ${report.taken} messages, ${changing} were injected`);
  }
  return report;
}

let ok = true;
const rows = [];
try {
  // The backlog: every conversation once, then one idle poll.
  let taken = 0;
  const backlogStarted = performance.now();
  while (taken < options.conversations) taken += (await nextPoll()).taken;
  console.log(
    `backlog of ${taken} messages taken in ${((performance.now() - backlogStarted) / 1000).toFixed(1)} s`,
  );
  await nextPoll();
  for (const percent of options.changing) {
    const changing = Math.max(1, Math.round((options.conversations * percent) / 100));
    const sums = { in: 0, out: 0, withLua: 0, cpu: 0, saves: 0, saveBytes: 0 };
    for (let poll = 0; poll < options.polls; poll++) {
      const before = await netBytes(admin);
      const commandsBefore = await commandCalls(admin);
      const cpu = process.cpuUsage();
      await changeThenPoll(changing, poll);
      const used = process.cpuUsage(cpu);
      sums.cpu += (used.user + used.system) / 1000;
      const after = await netBytes(admin);
      sums.in += after.in - before.in;
      sums.out += after.out - before.out;
      sums.withLua += (await commandCalls(admin)) - commandsBefore;
    }
    // A second pass under MONITOR counts the saves of the state and the bytes of their arguments.
    const monitor = await new Redis(redisServer.url).monitor();
    monitor.on('monitor', (_time, args, source) => {
      const command = String(args[0]).toLowerCase();
      if (source === 'lua' || !['evalsha', 'eval'].includes(command)) return;
      if (!args.includes(stateKey)) return;
      sums.saves++;
      sums.saveBytes += args.reduce((n, a) => n + Buffer.byteLength(String(a)), 0);
    });
    for (let poll = 0; poll < options.polls; poll++) await changeThenPoll(changing, poll);
    monitor.disconnect();
    const per = (n) => Math.round(n / options.polls);
    rows.push({
      conversations: options.conversations,
      changing: `${percent} % (${changing})`,
      'bytes to Redis/poll': per(sums.in),
      'bytes from Redis/poll': per(sums.out),
      'commands incl. Lua/poll': per(sums.withLua),
      'state saves/poll': (sums.saves / options.polls).toFixed(1),
      'bytes/save': Math.round(sums.saveBytes / Math.max(1, sums.saves)),
      'CPU ms/poll (poller + sandbox)': per(sums.cpu),
    });
  }
} finally {
  await poller.close();
  await chat.close();
  admin.disconnect();
  await sandbox.close();
  await redisServer.stop();
}
console.log(
  `inbound poller state cost per poll (sweep off, intervalMs ${options.intervalMs}, sandbox in this process):`,
);
console.table(rows);
process.exitCode = ok ? 0 : 1;
