import { hostname } from 'node:os';
import { DelayedError, Worker } from 'bullmq';
import type { Job } from 'bullmq';
import { isFinished, runStep } from '../engine/index.js';
import type { RunState } from '../engine/index.js';
import { createUniqueTokens, describeError } from '../shared/index.js';
import type { Logger } from '../shared/index.js';
import type { DriverInternals } from './bullmq-driver.js';
import {
  DEFAULT_COMPLETED_JOBS_KEPT,
  DEFAULT_FAILED_JOBS_KEPT,
  EARLY_STEP_JOB_DELAY_MS,
  EARLY_STEP_JOB_GIVE_UP_MS,
  STEP_QUEUE_NAME,
  stepJobId,
} from './step-jobs.js';
import type { StepJobData, TimerJobData, TimerJobName } from './step-jobs.js';
import { createThrottledWarning } from './check-redis.js';

/** The event each timer job feeds when it is due. */
const TIMER_EVENTS = {
  deadline: 'deadline_reached',
  retry: 'retry_due',
  wait: 'wait_over',
} as const satisfies Record<TimerJobName, string>;

/** The worker named in a delivery's start mark (`<workerId>#<delivery>`). */
function workerOfMark(mark: string | undefined): string | undefined {
  const at = mark?.lastIndexOf('#') ?? -1;
  return at > 0 ? mark?.slice(0, at) : mark;
}

/** Default steps one worker process runs at once. */
export const DEFAULT_WORKER_CONCURRENCY = 20;
/** Default time a worker holds a job before BullMQ counts it stalled, in ms (BullMQ's own). */
export const DEFAULT_LOCK_DURATION_MS = 30_000;
/** Default redeliveries of one job before BullMQ fails it. */
export const DEFAULT_MAX_STALLED_COUNT = 10;
/** Default interval of the sweep for runs with no work queued, in ms. */
export const DEFAULT_SWEEP_INTERVAL_MS = 15_000;
/** Default time SIGTERM gives the steps in hand to finish, in ms. */
export const DEFAULT_SHUTDOWN_GRACE_MS = 30_000;

/** Options for {@link StepWorker}. */
export interface StepWorkerOptions {
  /** Steps this process runs at once. Default {@link DEFAULT_WORKER_CONCURRENCY}. */
  concurrency?: number;
  /**
   * How long a job stays locked to this worker without renewal, in ms; a killed worker's step
   * is redelivered after about this long. Default {@link DEFAULT_LOCK_DURATION_MS}.
   */
  lockDurationMs?: number;
  /** How often BullMQ looks for stalled jobs, in ms. Default: `lockDurationMs`. */
  stalledIntervalMs?: number;
  /** Redeliveries of one job before it fails. Default {@link DEFAULT_MAX_STALLED_COUNT}. */
  maxStalledCount?: number;
  /** How often to requeue work lost between a commit and its enqueue, in ms. Default 15 s. */
  sweepIntervalMs?: number;
  /** How long {@link StepWorker.close} waits for steps in hand, in ms. Default 30 s. */
  shutdownGraceMs?: number;
  /** Names this worker in redelivery records. Default `<hostname>:<pid>`. */
  workerId?: string;
}

type StepWorkerConfig = Required<StepWorkerOptions>;

function resolveOptions(options: StepWorkerOptions): StepWorkerConfig {
  const lockDurationMs = options.lockDurationMs ?? DEFAULT_LOCK_DURATION_MS;
  return {
    concurrency: options.concurrency ?? DEFAULT_WORKER_CONCURRENCY,
    lockDurationMs,
    stalledIntervalMs: options.stalledIntervalMs ?? lockDurationMs,
    maxStalledCount: options.maxStalledCount ?? DEFAULT_MAX_STALLED_COUNT,
    sweepIntervalMs: options.sweepIntervalMs ?? DEFAULT_SWEEP_INTERVAL_MS,
    shutdownGraceMs: options.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS,
    workerId: options.workerId ?? `${hostname()}:${process.pid}`,
  };
}

/**
 * Runs steps from the queue. A step is marked started in Redis before its action runs; a
 * delivery that finds the mark already there is a redelivery (stalled job, killed worker): it
 * is audited as `step.redelivered` and the action is told to reconcile before acting.
 */
export class StepWorker {
  readonly config: StepWorkerConfig;
  private readonly worker: Worker;
  private readonly logger: Logger;
  private sweepTimer: NodeJS.Timeout | undefined;
  private readonly nextDelivery = createUniqueTokens();

  constructor(
    private readonly driver: DriverInternals,
    options: StepWorkerOptions = {},
  ) {
    this.config = resolveOptions(options);
    const { redis, prefix } = driver.options;
    this.logger = driver.options.logger.child({
      component: 'step-worker',
      workerId: this.config.workerId,
    });
    this.worker = new Worker(STEP_QUEUE_NAME, (job, token) => this.process(job, token), {
      connection: redis,
      prefix,
      concurrency: this.config.concurrency,
      lockDuration: this.config.lockDurationMs,
      stalledInterval: this.config.stalledIntervalMs,
      maxStalledCount: this.config.maxStalledCount,
      removeOnComplete: {
        count: driver.options.completedJobsKept ?? DEFAULT_COMPLETED_JOBS_KEPT,
      },
      removeOnFail: { count: driver.options.failedJobsKept ?? DEFAULT_FAILED_JOBS_KEPT },
    });
    this.worker.on('failed', (job, error) => void this.onFailed(job, error));
    this.worker.on('error', createThrottledWarning(this.logger, 'worker error'));
    this.sweepTimer = setInterval(() => void this.sweep(), this.config.sweepIntervalMs);
    this.sweepTimer.unref();
    void this.sweep();
  }

  /** Resolves once the worker is connected and taking jobs. */
  waitUntilReady(): Promise<unknown> {
    return this.worker.waitUntilReady();
  }

  /**
   * Stops taking jobs and lets the steps in hand finish; after `shutdownGraceMs` it stops
   * waiting, and BullMQ redelivers what was left once its lock lapses.
   */
  async close(): Promise<void> {
    clearInterval(this.sweepTimer);
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.config.shutdownGraceMs);
    });
    const outcome = await Promise.race([this.worker.close(), grace]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      this.logger.warn('steps still running at shutdown; they will be redelivered', {});
      await this.worker.close(true);
    }
  }

  /**
   * Requeues what a crash between commit and enqueue may have lost. One worker sweeps at a time
   * (a short Redis lease); every action it takes is idempotent.
   */
  async sweep(): Promise<void> {
    const { redis } = this.driver.options;
    try {
      const leased = await redis.set(
        this.driver.keys.sweepLock,
        this.config.workerId,
        'PX',
        this.config.sweepIntervalMs,
        'NX',
      );
      if (leased !== 'OK') return;
      for (const runId of await this.driver.store.activeRunIds()) {
        const stored = await this.driver.store.load(runId);
        if (stored) await this.driver.ensureScheduled(stored);
      }
    } catch (error) {
      this.logger.warn('sweep failed; the next one will retry', { error: describeError(error) });
    }
  }

  private async process(job: Job, token: string | undefined): Promise<void> {
    if (job.name === 'deadline' || job.name === 'retry' || job.name === 'wait')
      return this.processTimer(job as Job<TimerJobData>, token);
    return this.processStep(job as Job<StepJobData>, token);
  }

  private async processStep(job: Job<StepJobData>, token: string | undefined): Promise<void> {
    const data = job.data;
    const { runId, stepId } = data;
    const marker = `exec:${stepJobId(data)}`;
    const known = this.driver.committedState(runId);
    const minVersion = data.version ?? 0;
    // Unique to this delivery: a claim the client sends again finds its own mark.
    const holder = `${this.config.workerId}#${this.nextDelivery()}`;
    const claim = await this.driver.store.claim(runId, marker, holder, minVersion, known);
    if (!claim) return;
    if (claim.early) {
      const nowMs = this.driver.options.clock.now();
      if (nowMs - job.timestamp > EARLY_STEP_JOB_GIVE_UP_MS) {
        this.logger.warn('step job dropped: the commit it waits for never came', {
          runId,
          stepId,
          version: minVersion,
        });
        return;
      }
      await job.moveToDelayed(nowMs + EARLY_STEP_JOB_DELAY_MS, token);
      throw new DelayedError();
    }

    // Stale: the run moved on (a duplicate job, or a redelivery after the result was committed).
    const { state } = claim;
    const step = state.steps[state.cursor];
    const current =
      !isFinished(state) &&
      step?.id === stepId &&
      step.status === 'running' &&
      step.attempt === data.attempt &&
      step.approved === data.approved &&
      // A job of an earlier approval round of the step (it asked again since) is stale.
      (data.approvalAtMs === undefined || data.approvalAtMs === step.approval?.requestedAtMs) &&
      step.retryAtMs === undefined &&
      step.waitUntilMs === undefined;
    if (!current) {
      const stored = await this.driver.store.load(runId);
      if (stored) await this.driver.ensureScheduled(stored);
      return;
    }

    const redelivered = claim.startedBy !== undefined;
    if (redelivered) {
      const auditData = {
        attempt: data.attempt,
        startedBy: workerOfMark(claim.startedBy),
        worker: this.config.workerId,
      };
      await this.driver.options.audit.append({
        type: 'step.redelivered',
        runId,
        stepId,
        data: auditData,
      });
      this.logger.warn('step redelivered; reconciling before acting', { runId, stepId });
    }
    const { catalog, actions, aws, audit, clock, logger } = this.driver.options;
    const runbook = state.inlineRunbook ?? catalog.get(state.runbookId);
    // runStep binds runId and stepId to the logger itself.
    const deps = { actions, aws, audit, clock, logger };
    const event = await runStep(state, runbook, { ...data, redelivered }, deps);
    await this.driver.feed(runId, event, state);
  }

  private async processTimer(job: Job<TimerJobData>, token: string | undefined): Promise<void> {
    const { runId, stepId, atMs } = job.data;
    // Decided by comparing times, never by when the timer fired: an early job waits again.
    const nowMs = this.driver.options.clock.now();
    if (nowMs < atMs) {
      await job.moveToDelayed(atMs, token);
      throw new DelayedError();
    }
    const type = TIMER_EVENTS[job.name as TimerJobName];
    await this.driver.feed(runId, { type, stepId, atMs: nowMs });
  }

  /** A step job that used up its attempts fails its step, so the run does not hang. */
  private async onFailed(job: Job | undefined, error: Error): Promise<void> {
    if (!job || job.name !== 'step' || job.attemptsMade < (job.opts.attempts ?? 1)) return;
    const { runId, stepId } = job.data as StepJobData;
    this.logger.error('step delivery failed for good', {
      runId,
      stepId,
      error: describeError(error),
    });
    try {
      const message = `step ${stepId} could not be delivered: ${describeError(error)}`;
      const stepError = { code: 'STEP_DELIVERY_FAILED', message, kind: 'firebreak' as const };
      await this.driver.feed(runId, {
        type: 'step_failed',
        stepId,
        atMs: this.driver.options.clock.now(),
        error: stepError,
      });
    } catch (feedError) {
      this.logger.error('cannot record failed delivery; the sweeper will retry', {
        runId,
        error: describeError(feedError),
      });
    }
  }
}
