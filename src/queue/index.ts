export { InProcessDriver } from './in-process-driver.js';
export type { InProcessDriverOptions } from './in-process-driver.js';
export { BullmqDriver } from './bullmq-driver.js';
export type { BullmqDriverOptions } from './bullmq-driver.js';
export {
  StepWorker,
  DEFAULT_LOCK_DURATION_MS,
  DEFAULT_MAX_STALLED_COUNT,
  DEFAULT_SHUTDOWN_GRACE_MS,
  DEFAULT_SWEEP_INTERVAL_MS,
  DEFAULT_WORKER_CONCURRENCY,
} from './step-worker.js';
export type { StepWorkerOptions } from './step-worker.js';
export {
  DEFAULT_COMPLETED_JOBS_KEPT,
  DEFAULT_FAILED_JOBS_KEPT,
  STEP_QUEUE_NAME,
  stepJobId,
  timerJobId,
} from './step-jobs.js';
export type { StepJobData, TimerJobData, TimerJobName } from './step-jobs.js';
export type { StoredRun } from './redis-run-store.js';
export type { LockMode } from './run-locks.js';
export { createRedisConnection } from './create-redis-connection.js';
export type { RedisConnectionOptions } from './create-redis-connection.js';
export { QueueNotConfiguredError, RunExistsError, RunLockedError } from './errors.js';
export { checkRedisReachable, logRedisErrors, toSafeRedisUrl } from './check-redis.js';
