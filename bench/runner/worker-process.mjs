/** A worker process seen from the runner: commands with a time limit, questions answered. */
import { fork } from 'node:child_process';

/**
 * Forks `workerUrl` and answers its `server-cpu` questions from `responder`. `command(type,
 * payload, timeLimitMs)` resolves to `{ ok, value }` or `{ ok: false, error }`; a command that
 * outlives its limit kills the worker, and every later command fails at once. `args` and `env`
 * go to the process; `stdout: 'ignore'` silences a chatty one (a CLI printing every message).
 * `child` is the process.
 */
export function startWorker(
  workerUrl,
  { responder, execArgv = [], args = [], env = process.env, stdout = 'inherit' },
) {
  const child = fork(workerUrl, args, {
    env,
    stdio: ['ignore', stdout, 'inherit', 'ipc'],
    // The GET transport's one-time security warning is expected here; keep the output readable.
    execArgv: ['--no-warnings', ...execArgv],
  });
  let nextId = 0;
  let exited = false;
  const pending = new Map();
  child.on('message', async (message) => {
    if (message?.type === 'ask' && message.question === 'server-cpu') {
      const value = await responder.cpu();
      if (!exited) child.send({ type: 'answer', id: message.id, value });
    } else if (message?.type === 'reply' && pending.has(message.id)) {
      pending.get(message.id)(message.reply);
      pending.delete(message.id);
    }
  });
  const exitedPromise = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      exited = true;
      for (const settle of pending.values())
        settle({ ok: false, error: `the worker exited (${signal ?? code})` });
      pending.clear();
      resolve();
    });
  });
  return {
    child,
    command(type, payload, timeLimitMs) {
      if (exited) return Promise.resolve({ ok: false, error: 'the worker is gone' });
      const id = ++nextId;
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          resolve({
            ok: false,
            error: `${type} did not finish within ${timeLimitMs} ms; worker killed`,
          });
          pending.delete(id);
          child.kill('SIGKILL');
        }, timeLimitMs);
        pending.set(id, (reply) => {
          clearTimeout(timer);
          resolve(reply);
        });
        child.send({ type, id, payload });
      });
    },
    /** Asks the worker to close its subject and waits for the process to end (killing it after 5 s). */
    async stop() {
      if (!exited) {
        await this.command('close', null, 5_000);
        setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
      }
      await exitedPromise;
    },
  };
}
