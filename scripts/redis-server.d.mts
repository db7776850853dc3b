/** A running redis-server (see redis-server.mjs). */
export interface RedisServer {
  /** `redis://127.0.0.1:PORT`. */
  readonly url: string;
  readonly port: number;
  /** Sends a signal to the server process (`SIGSTOP` pauses it, `SIGCONT` resumes it). */
  signal(signal: NodeJS.Signals): void;
  /** Kills the server (if still running) and waits until it has exited. */
  stop(): Promise<void>;
}
export declare const REDIS_PACKAGE: string;
export declare const REDIS_INSTALL_COMMAND: string;
export declare function ensureRedisServer(): string;
export declare function startRedisServer(): Promise<RedisServer>;
/** A running Redis Cluster (see redis-server.mjs). */
export interface RedisCluster {
  /** Every master's address, each owning part of the slots. */
  readonly nodes: readonly { readonly host: string; readonly port: number }[];
  /** Kills every node and removes the cluster's folder. */
  stop(): Promise<void>;
}
export declare function startRedisCluster(nodes?: number): Promise<RedisCluster>;
