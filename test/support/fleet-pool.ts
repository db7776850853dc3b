/**
 * Child processes for the fleet suites: each runs a script over IPC, and the pool hands out
 * their answers. Every child is killed when the pool closes, whatever state it is in.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** A message a child sent: `type` and whatever the script adds. */
export type ChildMessage = { readonly type: string; readonly id?: number } & Record<
  string,
  unknown
>;

/** One forked child. */
export interface FleetChild {
  readonly process: ChildProcess;
  send(message: object): void;
  /** Resolves with the next message of `type` (and `id`, when given). */
  next(type: string, id?: number): Promise<ChildMessage>;
}

/** A set of forked children, all stopped by `close()`. */
export interface FleetPool {
  /** Every child forked so far, killed or not. */
  readonly children: readonly FleetChild[];
  /** Forks one more child of the same script (not waiting until it is ready). */
  add(): FleetChild;
  close(): Promise<void>;
}

function wrap(child: ChildProcess): FleetChild {
  const seen: ChildMessage[] = [];
  const waiting: Array<{
    match: (m: ChildMessage) => boolean;
    resolve: (m: ChildMessage) => void;
  }> = [];
  child.on('message', (raw) => {
    const message = raw as ChildMessage;
    const index = waiting.findIndex((w) => w.match(message));
    if (index >= 0) waiting.splice(index, 1)[0]?.resolve(message);
    else seen.push(message);
  });
  return {
    process: child,
    send: (message) => child.send(message),
    next(type, id) {
      const match = (m: ChildMessage) => m.type === type && (id === undefined || m.id === id);
      const index = seen.findIndex(match);
      if (index >= 0) return Promise.resolve(seen.splice(index, 1)[0] as ChildMessage);
      return new Promise((resolve, reject) => {
        waiting.push({ match, resolve });
        child.once('exit', (code, signal) =>
          reject(new Error(`child exited (${code ?? signal}) before '${type}'`)),
        );
      });
    },
  };
}

/** Forks `count` children of `script` (relative to this folder) and waits until each is ready. */
export async function startFleetPool(
  script: string,
  count: number,
  env: NodeJS.ProcessEnv = {},
): Promise<FleetPool> {
  const path = fileURLToPath(new URL(script, import.meta.url));
  const children: FleetChild[] = [];
  const add = (): FleetChild => {
    const child = wrap(
      fork(path, [], {
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        env: { ...process.env, ...env },
      }),
    );
    children.push(child);
    return child;
  };
  await Promise.all(Array.from({ length: count }, () => add().next('ready')));
  return {
    children,
    add,
    close: async () => {
      await Promise.all(
        children.map(
          (c) =>
            new Promise<void>((resolve) => {
              if (c.process.exitCode !== null || c.process.signalCode !== null) return resolve();
              c.process.once('exit', () => resolve());
              c.process.kill('SIGKILL');
            }),
        ),
      );
    },
  };
}
