import { Queue } from 'bullmq';
import type { JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { ActionRegistry } from '../actions/index.js';
import type { AuditEntry, RedisAuditLog } from '../audit/index.js';
import type { AwsClients } from '../aws/index.js';
import {
  applyEvent,
  createRunState,
  isFinished,
  resolveRunLock,
  startRun,
  toAbortEvent,
  toDecisionEvent,
} from '../engine/index.js';
import type {
  ControlOutcome,
  DecisionRequest,
  EngineCommand,
  EngineEvent,
  RunDriver,
  RunListener,
  RunRequest,
  RunState,
  Transition,
} from '../engine/index.js';
import type { RunbookCatalog } from '../runbook/index.js';
import { createRunId, describeError } from '../shared/index.js';
import type { Clock, Logger } from '../shared/index.js';
import { createThrottledWarning, logRedisErrors } from './check-redis.js';
import { RunExistsError, RunLockedError } from './errors.js';
import { createRedisKeys } from './redis-keys.js';
import type { RedisKeys } from './redis-keys.js';
import { RedisRunStore } from './redis-run-store.js';
import type { CommitExtras, StoredRun } from './redis-run-store.js';
import { RunLocks } from './run-locks.js';
import { STEP_QUEUE_NAME, stepJobId, timerJobId } from './step-jobs.js';
import type { StepJobData, TimerJobData, TimerJobName } from './step-jobs.js';
import { StepWorker } from './step-worker.js';
import type { StepWorkerOptions } from './step-worker.js';

/** Most run states a process keeps of its own commits, to spare reading them back. */
const MAX_REMEMBERED_STATES = 2000;

/** Options for {@link BullmqDriver}. */
export interface BullmqDriverOptions {
  /**
   * Connection for run state, locks, audit and the queue. Create it with
   * `maxRetriesPerRequest: null` in workers so commands wait out a Redis restart.
   */
  redis: Redis;
  /** Prefix of every key: BullMQ's and firebreak's. Default `firebreak` (FIREBREAK_QUEUE_PREFIX). */
  prefix: string;
  catalog: RunbookCatalog;
  actions: ActionRegistry;
  aws: AwsClients;
  /** The shared audit chain; state commits append to it atomically. */
  audit: RedisAuditLog;
  clock: Clock;
  logger: Logger;
  /** Run id generator; default random `run-…` ids. */
  createRunId?: () => string;
  /**
   * Completed jobs BullMQ keeps (set on this process's workers). Default none
   * (`DEFAULT_COMPLETED_JOBS_KEPT`).
   */
  completedJobsKept?: number;
  /**
   * Failed jobs BullMQ keeps (set on this process's workers). Default 5,000
   * (`DEFAULT_FAILED_JOBS_KEPT`).
   */
  failedJobsKept?: number;
  /**
   * Called after each committed transition, before its commands are carried out (metrics;
   * crash tests stop a worker here).
   */
  onCommitted?: (state: RunState) => void | Promise<void>;
}

/** Internals the step worker shares with the driver. */
export interface DriverInternals {
  readonly store: RedisRunStore;
  readonly locks: RunLocks;
  readonly keys: RedisKeys;
  readonly options: BullmqDriverOptions;
  feed(runId: string, event: EngineEvent, known?: RunState): Promise<ControlOutcome>;
  /** The state this process last committed for a run still going, if it remembers one. */
  committedState(runId: string): RunState | undefined;
  ensureScheduled(stored: StoredRun): Promise<void>;
  startWaiting(runId: string): Promise<void>;
  finishLock(runId: string, lock: string): Promise<void>;
}

/**
 * The production driver: run state in Redis, each step a BullMQ job, approval deadlines and
 * retry waits as delayed jobs. The engine code is the in-process driver's; only persistence and scheduling
 * differ. Any process may start, decide or abort runs; `startWorker` makes this one run steps.
 */
export class BullmqDriver implements RunDriver, DriverInternals {
  readonly durable = true;
  readonly keys: RedisKeys;
  readonly store: RedisRunStore;
  readonly locks: RunLocks;
  readonly queue: Queue;
  private readonly listeners = new Set<RunListener>();
  private subscriber: Redis | undefined;
  private subscription: Promise<unknown> = Promise.resolve();
  private readonly nextRunId: () => string;
  private readonly jobOptions: JobsOptions;
  /** Step jobs sent with a commit and not yet added (see sendStepJobs). */
  private readonly sending = new Set<Promise<void>>();
  /** States this process committed last, by run (bounded; insertion order is age). */
  private readonly committed = new Map<string, RunState>();

  constructor(readonly options: BullmqDriverOptions) {
    this.keys = createRedisKeys(options.prefix);
    this.store = new RedisRunStore(options.redis, this.keys, options.audit);
    this.locks = new RunLocks(options.redis, this.keys);
    this.nextRunId = options.createRunId ?? createRunId;
    this.queue = new Queue(STEP_QUEUE_NAME, { connection: options.redis, prefix: options.prefix });
    this.queue.on('error', createThrottledWarning(options.logger, 'step queue error'));
    // How many finished jobs to keep is the workers' setting (StepWorker), not each job's.
    this.jobOptions = {
      // Retries of the job itself (Redis errors while committing); the step reconciles first.
      attempts: 5,
      backoff: { type: 'exponential', delay: 1000 },
    };
  }

  /** Builds the driver and warns when Redis may evict keys (BullMQ needs `noeviction`). */
  static async create(options: BullmqDriverOptions): Promise<BullmqDriver> {
    await warnOnEvictionPolicy(options.redis, options.logger);
    return new BullmqDriver(options);
  }

  async startRun(request: RunRequest): Promise<RunState> {
    const runbook = request.runbook ?? this.options.catalog.get(request.runbookId);
    const runId = request.runId ?? this.nextRunId();
    const initial = createRunState(
      runbook,
      { ...request, runId },
      {
        nowMs: this.options.clock.now(),
        simulated: this.options.aws.simulated,
      },
    );
    const triggerAudit = request.triggerAudit ?? [];
    const lock = await resolveRunLock(runbook, initial);
    if (lock === undefined) return this.begin(initial, -1, {}, triggerAudit);

    // Stored before the lock is asked for, so that a lock holder is always a run on record.
    const extras = { lock, waiting: 'wait' } as const;
    if ((await this.store.commit(-1, initial, triggerAudit, extras)) === 'conflict') {
      throw new RunExistsError(runId);
    }
    let outcome: Awaited<ReturnType<RunLocks['acquire']>>;
    try {
      outcome = await this.locks.acquire(lock, runId, runbook.lockMode);
    } catch (error) {
      // The run is on record, waiting for its lock: the sweeper asks for the lock again.
      // Throwing would make a trigger start the run a second time.
      this.options.logger.warn('run recorded; its lock will be asked for again by the sweeper', {
        runId,
        error: describeError(error),
      });
      return initial;
    }
    if (outcome.kind === 'acquired') {
      const acquired: AuditEntry = { type: 'lock.acquired', runId, data: { lock } };
      try {
        return await this.begin(initial, 0, { waiting: 'clear' }, [acquired]);
      } catch (error) {
        if (error instanceof RunExistsError) throw error;
        // On record and holding its lock: the sweeper starts it (checkWaiting).
        this.options.logger.warn('run recorded with its lock; the sweeper will start it', {
          runId,
          error: describeError(error),
        });
        return initial;
      }
    }
    if (outcome.kind === 'waiting') {
      const data = { lock, heldBy: outcome.heldBy };
      await this.options.audit
        .append({ type: 'lock.waiting', runId, actor: request.requester, data })
        .catch((error: unknown) => {
          this.options.logger.error('lock.waiting not audited', {
            runId,
            error: describeError(error),
          });
        });
      this.options.logger.info('run waits for lock', { runId, ...data });
      return initial;
    }
    await this.refuseLocked(initial, lock, outcome.heldBy);
    throw new RunLockedError(runId, lock, outcome.heldBy, runbook.name);
  }

  async decide(request: DecisionRequest): Promise<ControlOutcome> {
    return this.feed(request.runId, toDecisionEvent(request, this.options.clock.now()));
  }

  /** Aborts between steps: a step in flight finishes, and its result is then refused. */
  async abort(
    runId: string,
    by: string,
    reason: string,
    origin?: Readonly<Record<string, string>>,
  ): Promise<ControlOutcome> {
    return this.feed(runId, toAbortEvent({ by, reason, origin }, this.options.clock.now()));
  }

  async getRun(runId: string): Promise<RunState | undefined> {
    return (await this.store.load(runId))?.state;
  }

  /** The run as stored, with its lock and whether it waits for it. */
  getStoredRun(runId: string): Promise<StoredRun | undefined> {
    return this.store.load(runId);
  }

  async listRuns(): Promise<RunState[]> {
    return this.store.list();
  }

  /** Hears every state change, made by any process (Redis pub/sub). */
  onChange(listener: RunListener): () => void {
    this.listeners.add(listener);
    if (!this.subscriber) this.subscribe();
    return () => this.listeners.delete(listener);
  }

  /** Resolves once changes made by other processes reach {@link onChange} listeners. */
  async subscribed(): Promise<void> {
    await this.subscription;
  }

  /** Makes this process run steps; see {@link StepWorker}. */
  startWorker(options: StepWorkerOptions = {}): StepWorker {
    return new StepWorker(this, options);
  }

  /** Closes the queue and the subscriber; the shared connection stays the caller's. */
  async close(): Promise<void> {
    this.subscriber?.disconnect();
    await Promise.all(this.sending);
    await this.queue.close();
  }

  /**
   * Applies one event, retrying on a concurrent write, then carries out its commands. `known`
   * is a state just read (a worker's claim), tried first to save a round trip.
   */
  async feed(runId: string, event: EngineEvent, known?: RunState): Promise<ControlOutcome> {
    let first: StoredRun | undefined = known && { state: known, waiting: false };
    for (;;) {
      const stored = first ?? (await this.store.load(runId));
      first = undefined;
      if (!stored) {
        return {
          accepted: false,
          refusal: { code: 'APPROVAL_NOT_PENDING', message: `no run ${runId}` },
        };
      }
      const transition = applyEvent(stored.state, event);
      if (transition.refusal) {
        if (transition.audit.length > 0) await this.options.audit.appendMany(transition.audit);
        return { accepted: false, refusal: transition.refusal, state: stored.state };
      }
      const extras: CommitExtras = stored.waiting ? { waiting: 'clear' } : {};
      const version = stored.state.version;
      const committing = this.store.commit(version, transition.state, transition.audit, extras);
      // Remembered as soon as the commit lands, before a worker slot can take the next job.
      const remembered = committing.then((outcome) => {
        if (outcome === 'committed') this.remember(transition.state);
        return outcome;
      });
      this.sendStepJobs(transition);
      const outcome = await remembered;
      if (outcome === 'conflict') continue;
      await this.carryOut(transition, stored.lock, true);
      return { accepted: true, state: transition.state };
    }
  }

  committedState(runId: string): RunState | undefined {
    return this.committed.get(runId);
  }

  private remember(state: RunState): void {
    this.committed.delete(state.runId);
    if (isFinished(state)) return;
    this.committed.set(state.runId, state);
    const oldest = this.committed.keys().next().value;
    if (this.committed.size > MAX_REMEMBERED_STATES && oldest !== undefined) {
      this.committed.delete(oldest);
    }
  }

  /**
   * Makes sure the work the state calls for is queued: the step in hand, an approval deadline,
   * the start of a run whose lock came free. Idempotent (job ids collapse); used on stale and
   * redelivered jobs and by the sweeper, so that a crash between commit and enqueue loses nothing.
   */
  async ensureScheduled(stored: StoredRun): Promise<void> {
    const { state } = stored;
    if (isFinished(state)) {
      if (stored.lock) await this.finishLock(state.runId, stored.lock);
      return;
    }
    if (stored.waiting && stored.lock) return this.checkWaiting(state.runId, stored.lock);
    const step = state.steps[state.cursor];
    if (!step) return;
    const timer = { runId: state.runId, stepId: step.id, attempt: step.attempt };
    if (step.status === 'running' && step.waitUntilMs !== undefined) {
      return this.addTimerJob('wait', { ...timer, atMs: step.waitUntilMs });
    }
    if (step.status === 'running' && step.retryAtMs !== undefined) {
      return this.addTimerJob('retry', {
        ...timer,
        attempt: step.attempt + 1,
        atMs: step.retryAtMs,
      });
    }
    if (step.status === 'running') {
      return this.addStepJob(stepJobOf(state, { ...timer, approved: step.approved }), true);
    }
    const deadline = step.approval?.deadlineAtMs;
    if (step.status === 'awaiting_approval' && deadline !== undefined) {
      await this.addTimerJob('deadline', { ...timer, atMs: deadline });
    }
  }

  /** Starts a run that waited for its lock and now holds it. */
  async startWaiting(runId: string): Promise<void> {
    const stored = await this.store.load(runId);
    if (!stored?.waiting || stored.state.version !== 0) return;
    const acquired: AuditEntry = { type: 'lock.acquired', runId, data: { lock: stored.lock } };
    try {
      await this.begin(stored.state, 0, { waiting: 'clear' }, [acquired]);
    } catch (error) {
      if (!(error instanceof RunExistsError)) throw error;
      // Started already by another process (the sweeper): nothing to do.
    }
  }

  /** Releases a finished run's lock and starts the next run in line. */
  async finishLock(runId: string, lock: string): Promise<void> {
    const outcome = await this.locks.release(lock, runId);
    if (!outcome.released) return;
    await this.options.audit.append({
      type: 'lock.released',
      runId,
      data: { lock, to: outcome.next },
    });
    if (outcome.next !== undefined) await this.startWaiting(outcome.next);
  }

  private async checkWaiting(runId: string, lock: string): Promise<void> {
    const holder = await this.locks.holder(lock);
    if (holder === runId) return this.startWaiting(runId);
    const held = holder === undefined ? undefined : await this.store.load(holder);
    if (holder !== undefined && held && !isFinished(held.state)) return;
    // The holder finished (or vanished) without handing the lock on: a crash. Hand it on now.
    if (holder !== undefined) return this.finishLock(holder, lock);
    const outcome = await this.locks.acquire(lock, runId, 'wait');
    if (outcome.kind === 'acquired') await this.startWaiting(runId);
  }

  private async begin(
    initial: RunState,
    expectedVersion: number,
    extras: CommitExtras,
    before: readonly AuditEntry[],
  ): Promise<RunState> {
    const transition = startRun(initial);
    const audit = [...before, ...transition.audit];
    if (
      (await this.store.commit(expectedVersion, transition.state, audit, extras)) === 'conflict'
    ) {
      throw new RunExistsError(initial.runId);
    }
    try {
      await this.carryOut(transition, undefined);
    } catch (error) {
      // The run is recorded: the workers' sweeper queues its first step. Throwing here would
      // make a trigger start it a second time.
      this.options.logger.warn('run recorded but its first step not queued; the sweeper will', {
        runId: initial.runId,
        error: describeError(error),
      });
    }
    return transition.state;
  }

  private async refuseLocked(initial: RunState, lock: string, heldBy: string): Promise<void> {
    const atMs = this.options.clock.now();
    const message = `${heldBy} holds the lock on "${lock}"`;
    const refused: RunState = {
      ...initial,
      status: 'failed',
      steps: initial.steps.map((s) => ({ ...s, status: 'cancelled' as const })),
      failure: { code: 'RUN_LOCKED', message },
      finishedAtMs: atMs,
      version: 1,
    };
    const entry: AuditEntry = {
      type: 'request.refused',
      runId: initial.runId,
      actor: initial.requester,
      data: { code: 'RUN_LOCKED', runbook: initial.runbookId, lock, heldBy },
    };
    await this.store.commit(0, refused, [entry], { waiting: 'clear' });
    await this.locks.release(lock, initial.runId);
  }

  /**
   * Sends the next step's job with the commit, not after it: a worker that takes it before the
   * commit lands sees an older version and puts it back (see StepJobData.version). Not waited
   * for: it is on the connection before the commit's reply arrives, so Redis has it before
   * anything this process sends afterwards (a worker's job completion included). One that
   * fails to be added is added by the workers' sweeper; {@link close} waits for those in flight.
   */
  private sendStepJobs(transition: Transition): void {
    const { runId } = transition.state;
    for (const command of transition.commands) {
      if (command.type !== 'run_step') continue;
      const sending = this.addStepJob(stepJobOf(transition.state, command), false).catch(
        (error: unknown) => {
          this.options.logger.warn('step job not queued; the sweeper will queue it', {
            runId,
            stepId: command.stepId,
            error: describeError(error),
          });
        },
      );
      this.sending.add(sending);
      void sending.finally(() => this.sending.delete(sending));
    }
  }

  private async carryOut(transition: Transition, lock: string | undefined, sentSteps = false) {
    const { state } = transition;
    await this.options.onCommitted?.(state);
    for (const command of transition.commands) {
      if (sentSteps && command.type === 'run_step') continue;
      await this.execute(state, command, lock);
    }
  }

  private async execute(
    state: RunState,
    command: EngineCommand,
    lock: string | undefined,
  ): Promise<void> {
    const runId = state.runId;
    switch (command.type) {
      case 'run_step':
        return this.addStepJob(stepJobOf(state, command), false);
      case 'schedule_deadline':
      case 'schedule_wait': {
        const attempt = state.steps.find((s) => s.id === command.stepId)?.attempt ?? 1;
        const name = command.type === 'schedule_wait' ? 'wait' : 'deadline';
        return this.addTimerJob(name, {
          runId,
          stepId: command.stepId,
          attempt,
          atMs: command.atMs,
        });
      }
      case 'schedule_retry': {
        const { stepId, attempt, atMs } = command;
        return this.addTimerJob('retry', { runId, stepId, attempt, atMs });
      }
      case 'request_approval':
        this.options.logger.info('approval requested', { runId, stepId: command.stepId });
        return;
      case 'run_finished': {
        this.options.logger.info('run finished', { runId, status: command.status });
        const held = lock ?? (await this.store.lockOf(runId));
        if (held !== undefined) await this.finishLock(runId, held);
        return;
      }
      default: {
        // Commands added to the engine later reach here until this driver learns them.
        const unknown = (command as { type: string }).type;
        this.options.logger.warn('command not carried out by the BullMQ driver', {
          runId,
          type: unknown,
        });
      }
    }
  }

  private async addStepJob(data: StepJobData, checkFailed: boolean): Promise<void> {
    const jobId = stepJobId(data);
    if (checkFailed) {
      // A job that used up its attempts keeps its id: retry it instead of adding a twin.
      const job = await this.queue.getJob(jobId);
      if (job && (await job.isFailed())) return job.retry('failed');
    }
    await this.queue.add('step', data, { ...this.jobOptions, jobId });
  }

  private async addTimerJob(name: TimerJobName, data: TimerJobData): Promise<void> {
    const delay = Math.max(0, data.atMs - this.options.clock.now());
    await this.queue.add(name, data, { ...this.jobOptions, jobId: timerJobId(name, data), delay });
  }

  private subscribe(): void {
    const subscriber = this.options.redis.duplicate();
    this.subscriber = subscriber;
    logRedisErrors(subscriber, this.options.logger);
    subscriber.on('message', (_channel: string, runId: string) => {
      void this.notify(runId);
    });
    this.subscription = subscriber.subscribe(this.keys.changes).catch((error: unknown) => {
      this.options.logger.warn('cannot subscribe to run changes', { error: describeError(error) });
    });
  }

  private async notify(runId: string): Promise<void> {
    try {
      const state = await this.getRun(runId);
      if (state) for (const listener of this.listeners) listener(state);
    } catch (error) {
      this.options.logger.warn('cannot read changed run', { runId, error: describeError(error) });
    }
  }
}

/** The job of a step delivery the state calls for, with the approval it acts on. */
function stepJobOf(
  state: RunState,
  delivery: { stepId: string; attempt: number; approved: boolean },
): StepJobData {
  const { stepId, attempt, approved } = delivery;
  const approvalAtMs = approved
    ? state.steps.find((s) => s.id === stepId)?.approval?.requestedAtMs
    : undefined;
  return { runId: state.runId, stepId, attempt, approved, approvalAtMs, version: state.version };
}

async function warnOnEvictionPolicy(redis: Redis, logger: Logger): Promise<void> {
  try {
    const reply = (await redis.config('GET', 'maxmemory-policy')) as string[];
    const policy = reply[1];
    if (policy !== undefined && policy !== 'noeviction') {
      logger.warn('Redis may evict keys: set maxmemory-policy noeviction or runs can be lost', {
        policy,
      });
    }
  } catch (error) {
    // Managed Redis services often refuse CONFIG; say so once and go on.
    logger.info('cannot read Redis maxmemory-policy', { error: describeError(error) });
  }
}
