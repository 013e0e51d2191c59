/** The Redis keys of one firebreak deployment, all under one prefix. */
export interface RedisKeys {
  readonly prefix: string;
  /** Hash of one run: `state` (JSON), `version`, `status`, `lock`, `waiting`, `exec:*` markers. */
  run(runId: string): string;
  /** Sorted set of every run id, scored by start time (ms). */
  readonly runs: string;
  /** Set of the ids of runs not yet finished. */
  readonly activeRuns: string;
  /** The run holding the lock on `name`. */
  lock(name: string): string;
  /** List of the runs waiting for the lock on `name`, oldest first. */
  lockWaiters(name: string): string;
  /** Pub/sub channel announcing the id of each run whose state changed. */
  readonly changes: string;
  /** Short-lived key held by the worker that sweeps for runs with no work scheduled. */
  readonly sweepLock: string;
}

/** Builds the key names for `prefix` (default deployment prefix: `firebreak`). */
export function createRedisKeys(prefix: string): RedisKeys {
  return {
    prefix,
    run: (runId) => `${prefix}:run:${runId}`,
    runs: `${prefix}:runs`,
    activeRuns: `${prefix}:runs:active`,
    lock: (name) => `${prefix}:lock:${name}`,
    lockWaiters: (name) => `${prefix}:lock-waiters:${name}`,
    changes: `${prefix}:changes`,
    sweepLock: `${prefix}:sweep`,
  };
}
