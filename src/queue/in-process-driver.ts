import type { ActionRegistry } from '../actions/index.js';
import type { AuditSink } from '../audit/index.js';
import type { AwsClients } from '../aws/index.js';
import {
  applyEvent,
  createRunState,
  isFinished,
  runStep,
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
import { FirebreakError, createRunId, describeError } from '../shared/index.js';
import type { Clock, Logger } from '../shared/index.js';

/** Options for {@link InProcessDriver}. */
export interface InProcessDriverOptions {
  catalog: RunbookCatalog;
  actions: ActionRegistry;
  aws: AwsClients;
  audit: AuditSink;
  /** Wall clock in production, a VirtualClock in exercises and tests. */
  clock: Clock;
  logger: Logger;
  /** Run id generator; default random `run-…` ids. */
  createRunId?: () => string;
}

/**
 * Runs everything in this process: state in memory, timers on the given clock. Runs do not
 * survive a restart. Events for one run are applied one at a time, in order.
 */
export class InProcessDriver implements RunDriver {
  readonly durable = false;
  private readonly runs = new Map<string, RunState>();
  private readonly chains = new Map<string, Promise<unknown>>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly listeners = new Set<RunListener>();
  private readonly nextRunId: () => string;

  constructor(private readonly options: InProcessDriverOptions) {
    this.nextRunId = options.createRunId ?? createRunId;
  }

  async startRun(request: RunRequest): Promise<RunState> {
    const runbook = request.runbook ?? this.options.catalog.get(request.runbookId);
    const runId = request.runId ?? this.nextRunId();
    if (this.runs.has(runId)) throw new FirebreakError('RUN_EXISTS', `run ${runId} already exists`);
    const initial = createRunState(
      runbook,
      { ...request, runId },
      {
        nowMs: this.options.clock.now(),
        simulated: this.options.aws.simulated,
      },
    );
    return this.serialize(runId, () => {
      const transition = startRun(initial);
      const audit = [...(request.triggerAudit ?? []), ...transition.audit];
      return this.commit({ ...transition, audit });
    });
  }

  async decide(request: DecisionRequest): Promise<ControlOutcome> {
    return this.control(request.runId, toDecisionEvent(request, this.options.clock.now()));
  }

  async abort(
    runId: string,
    by: string,
    reason: string,
    origin?: Readonly<Record<string, string>>,
  ): Promise<ControlOutcome> {
    return this.control(runId, toAbortEvent({ by, reason, origin }, this.options.clock.now()));
  }

  async getRun(runId: string): Promise<RunState | undefined> {
    return this.runs.get(runId);
  }

  async listRuns(): Promise<RunState[]> {
    return [...this.runs.values()].sort((a, b) => a.startedAtMs - b.startedAtMs);
  }

  onChange(listener: RunListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves once no step is executing and no event is being applied. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private async control(runId: string, event: EngineEvent): Promise<ControlOutcome> {
    if (!this.runs.has(runId)) {
      return {
        accepted: false,
        refusal: { code: 'APPROVAL_NOT_PENDING', message: `no run ${runId}` },
      };
    }
    return this.serialize(runId, async () => {
      const transition = applyEvent(this.current(runId), event);
      const state = await this.commit(transition);
      if (transition.refusal) return { accepted: false, refusal: transition.refusal, state };
      return { accepted: true, state };
    });
  }

  private current(runId: string): RunState {
    const state = this.runs.get(runId);
    if (!state) throw new FirebreakError('RUN_UNKNOWN', `no run ${runId}`, { runId });
    return state;
  }

  /** Chains work per run so its events apply in order; tracks it for {@link idle}. */
  private serialize<T>(runId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.chains.get(runId) ?? Promise.resolve();
    const next = previous.then(work, work);
    this.chains.set(
      runId,
      next.catch(() => undefined),
    );
    this.track(next);
    return next;
  }

  private track(promise: Promise<unknown>): void {
    const tracked = promise.catch(() => undefined);
    this.inFlight.add(tracked);
    void tracked.finally(() => this.inFlight.delete(tracked));
  }

  /** Stores the new state and its audit entries, then carries out its commands. */
  private async commit(transition: Transition): Promise<RunState> {
    const { state } = transition;
    this.runs.set(state.runId, state);
    for (const entry of transition.audit) await this.options.audit.append(entry);
    for (const listener of this.listeners) listener(state);
    for (const command of transition.commands) this.execute(state, command);
    return state;
  }

  /**
   * Ends a run whose step or event could not be carried out or recorded (the audit log
   * refused a write, say), so that it shows as failed with the reason instead of running
   * forever. Recorded in the audit log when the log takes it.
   */
  private async stop(runId: string, error: unknown): Promise<void> {
    const reason = describeError(error);
    this.options.logger.error('run stopped: a step or event could not be carried out or recorded', {
      runId,
      error: reason,
    });
    const state = this.runs.get(runId);
    if (state === undefined || isFinished(state)) return;
    const atMs = this.options.clock.now();
    const failure = { code: 'RUN_INTERNAL_ERROR', message: reason };
    const failed: RunState = {
      ...state,
      status: 'failed',
      failure,
      finishedAtMs: atMs,
      version: state.version + 1,
    };
    this.runs.set(runId, failed);
    for (const listener of this.listeners) listener(failed);
    const data = { status: 'failed', failure, durationMs: atMs - state.startedAtMs };
    await this.options.audit.append({ type: 'run.finished', runId, data }).catch(() => undefined);
  }

  private execute(state: RunState, command: EngineCommand): void {
    const runId = state.runId;
    const log = this.options.logger.child({ runId, runbookId: state.runbookId });
    switch (command.type) {
      case 'run_step': {
        const runbook = state.inlineRunbook ?? this.options.catalog.get(state.runbookId);
        // runStep binds runId, runbookId and stepId to the logger itself.
        const deps = this.options;
        const result = runStep(state, runbook, command, deps).then((event) =>
          this.feed(runId, event),
        );
        this.track(result.catch((error: unknown) => this.stop(runId, error)));
        return;
      }
      case 'schedule_deadline':
        this.options.clock.setTimer(command.atMs, () => {
          const event = {
            type: 'deadline_reached' as const,
            stepId: command.stepId,
            atMs: this.options.clock.now(),
          };
          this.track(this.feed(runId, event).catch((error: unknown) => this.stop(runId, error)));
        });
        return;
      case 'schedule_retry':
      case 'schedule_wait':
        this.options.clock.setTimer(command.atMs, () => {
          const event = {
            type:
              command.type === 'schedule_wait' ? ('wait_over' as const) : ('retry_due' as const),
            stepId: command.stepId,
            atMs: this.options.clock.now(),
          };
          this.track(this.feed(runId, event).catch((error: unknown) => this.stop(runId, error)));
        });
        return;
      case 'request_approval':
        log.info('approval requested', {
          stepId: command.stepId,
          deadlineAtMs: command.deadlineAtMs,
        });
        return;
      case 'run_finished':
        log.info('run finished', { status: command.status });
        return;
    }
  }

  private feed(runId: string, event: EngineEvent): Promise<RunState> {
    return this.serialize(runId, () => this.commit(applyEvent(this.current(runId), event)));
  }
}
