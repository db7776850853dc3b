/**
 * A TCP relay on 127.0.0.1 in front of a server, whose connections a test can cut at will: the
 * way to make a browser's long-lived event stream drop, so that `EventSource` reconnects.
 */
import { connect, createServer, type Socket } from 'node:net';

export interface TcpRelay {
  /** `http://127.0.0.1:PORT`, relaying to the target. */
  readonly url: string;
  /** Destroys every relayed connection now; new ones are relayed as before. */
  cutAll(): void;
  close(): Promise<void>;
}

/** Starts a relay to `target` (an `http://host:port` URL). */
export async function startTcpRelay(target: string): Promise<TcpRelay> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  const server = createServer((client) => {
    const upstream = connect(Number(port), hostname);
    track(client);
    track(upstream);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const relayPort = typeof address === 'object' && address !== null ? address.port : 0;
  const cutAll = () => {
    for (const socket of sockets) socket.destroy();
  };
  return {
    url: `http://127.0.0.1:${relayPort}`,
    cutAll,
    close: () =>
      new Promise<void>((resolve) => {
        cutAll();
        server.close(() => resolve());
      }),
  };
}
