/**
 * `node bench/profiling/delay-timer-cost.mjs [--seconds 10] [--resolutions 0,10,20,50]`: what
 * measuring the event loop's delay costs a process that does nothing else. One child process per
 * instrument and resolution, all at once: Node's `monitorEventLoopDelay`, and the soak's own
 * sampler (soak/measure-listener.mjs, a timer recording each interval, which replaced it), each
 * at that resolution, and one with neither (0), each with a timer that keeps it alive; prints
 * each one's CPU per 5 s (a listener's poll interval), user and system time apart. The soak keeps
 * its delay timer out of the polls whose CPU it counts because of what this shows.
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const INTERVAL_MS = 5_000;

if (process.argv[2] === '--child') {
  const { monitorEventLoopDelay } = await import('node:perf_hooks');
  const { setTimeout: sleep } = await import('node:timers/promises');
  const { delaySampler } = await import('../soak/measure-listener.mjs');
  const instrument = process.argv[3];
  const [resolution, seconds] = process.argv.slice(4).map(Number);
  let histogram;
  if (resolution > 0 && instrument === 'monitor') {
    const monitor = monitorEventLoopDelay({ resolution });
    histogram = { enable: () => monitor.enable(), disable: () => monitor.disable() };
  } else if (resolution > 0) {
    const sampler = delaySampler(resolution);
    histogram = { enable: () => sampler.on(), disable: () => sampler.off() };
  }
  histogram?.enable();
  const alive = setInterval(() => undefined, 3_600_000);
  await sleep(1_000);
  const start = process.cpuUsage();
  await sleep(seconds * 1_000);
  const used = process.cpuUsage(start);
  histogram?.disable();
  clearInterval(alive);
  process.send?.({ instrument, resolution, ...used, seconds });
} else {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string', default: '10' },
      resolutions: { type: 'string', default: '0,10,20,50' },
    },
  });
  const self = fileURLToPath(import.meta.url);
  const runs = values.resolutions.split(',').flatMap((resolution) =>
    Number(resolution) > 0
      ? [
          ['monitor', resolution],
          ['sampler', resolution],
        ]
      : [['none', resolution]],
  );
  const children = runs.map(([instrument, resolution]) => {
    const child = fork(self, ['--child', instrument, resolution, values.seconds]);
    return once(child, 'message').then(([reply]) => reply);
  });
  for (const r of await Promise.all(children)) {
    const per = (micros) => ((micros / 1000) * INTERVAL_MS) / (r.seconds * 1000);
    console.log(
      `${r.resolution === 0 ? 'no delay histogram' : `${r.instrument === 'monitor' ? 'monitorEventLoopDelay' : "the soak's sampler"}, resolution ${r.resolution} ms`}: ${per(r.user + r.system).toFixed(1)} ms of CPU per 5 s (user ${per(r.user).toFixed(1)}, system ${per(r.system).toFixed(1)})`,
    );
  }
}
