import { Redis } from 'ioredis';

/** Options for {@link createRedisConnection}. */
export interface RedisConnectionOptions {
  /**
   * `worker`: commands wait out a Redis restart instead of failing (BullMQ workers need this).
   * `client`: a CLI command gives up after ioredis's default retries. Default `client`.
   */
  role?: 'worker' | 'client';
  /** Name shown by `CLIENT LIST`, e.g. `firebreak-worker`. */
  connectionName?: string;
}

/** Connects to `redisUrl` (e.g. `redis://127.0.0.1:6379/0`). */
export function createRedisConnection(
  redisUrl: string,
  options: RedisConnectionOptions = {},
): Redis {
  const worker = options.role === 'worker';
  return new Redis(redisUrl, {
    maxRetriesPerRequest: worker ? null : 20,
    connectionName: options.connectionName,
    // Reconnect quickly after a restart, then back off to 2 s.
    retryStrategy: (times) => Math.min(times * 100, 2000),
  });
}
