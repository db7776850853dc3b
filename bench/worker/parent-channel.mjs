/** The worker's side of the IPC with the runner: commands in, answers out, questions asked. */

let nextId = 0;
const pending = new Map();
const handlers = new Map();

process.on('message', (message) => {
  if (message?.type === 'answer' && pending.has(message.id)) {
    pending.get(message.id)(message.value);
    pending.delete(message.id);
    return;
  }
  const handler = handlers.get(message?.type);
  if (handler) handler(message);
});

// The runner owns this process: when it goes, so does the worker.
process.on('disconnect', () => process.exit(0));

/** Asks the runner a question (e.g. the responder's CPU time so far) and waits for the answer. */
export function ask(question) {
  const id = ++nextId;
  return new Promise((resolve) => {
    pending.set(id, resolve);
    process.send({ type: 'ask', id, question });
  });
}

/** Handles the runner's commands of one type, one at a time, answering each with its result. */
export function onCommand(type, run) {
  let queue = Promise.resolve();
  handlers.set(type, (message) => {
    queue = queue.then(async () => {
      let reply;
      try {
        reply = { ok: true, value: await run(message.payload) };
      } catch (error) {
        reply = {
          ok: false,
          error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
        };
      }
      // After answering `close`, the worker lets go of the channel and so ends on its own.
      process.send({ type: 'reply', id: message.id, reply }, () => {
        if (type === 'close') process.disconnect();
      });
    });
  });
}
