/** Starting the responder in its own process and asking it for its CPU time. */
import { fork } from 'node:child_process';

const RESPONDER = new URL('../responder/responder.mjs', import.meta.url);

/** Forks the responder; resolves once it listens, with its base URL and a CPU probe. */
export function startResponder() {
  const child = fork(RESPONDER, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let nextId = 0;
  const pending = new Map();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error('the responder did not start within 10 s')),
      10_000,
    );
    child.once('exit', (code) => reject(new Error(`the responder exited with code ${code}`)));
    child.on('message', (message) => {
      if (message?.type === 'listening') {
        clearTimeout(timer);
        resolve({
          baseUrl: `http://127.0.0.1:${message.port}`,
          /** `{ usage, requests, connections }` of the responder so far. */
          cpu() {
            const id = ++nextId;
            return new Promise((done) => {
              pending.set(id, done);
              child.send({ type: 'cpu', id });
            });
          },
          stop() {
            return new Promise((done) => {
              child.removeAllListeners('exit');
              child.once('exit', () => done());
              child.send({ type: 'stop' });
              setTimeout(() => child.kill(), 2_000).unref();
            });
          },
        });
      } else if (message?.type === 'cpu' && pending.has(message.id)) {
        pending.get(message.id)({
          usage: message.usage,
          requests: message.requests,
          connections: message.connections,
        });
        pending.delete(message.id);
      }
    });
  });
}
