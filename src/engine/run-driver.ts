import type { RunRequest } from './create-run.js';
import type { EngineEvent, EventRefusal } from './events.js';
import type { RunState } from './run-state.js';

/** A decision on an approval, from Slack, the CLI or an exercise. */
export interface DecisionRequest {
  readonly runId: string;
  readonly stepId: string;
  readonly by: string;
  /** Roles `by` holds, resolved by the caller from its role map. */
  readonly roles: readonly string[];
  readonly decision: 'approve' | 'deny';
  readonly reason?: string;
  /** Where the decision came from, for the audit log (e.g. `{ source: 'cli', osUser, host }`). */
  readonly origin?: Readonly<Record<string, string>>;
}

/** What became of a decision or an abort. */
export type ControlOutcome =
  | { readonly accepted: true; readonly state: RunState }
  | { readonly accepted: false; readonly refusal: EventRefusal; readonly state?: RunState };

/** Listens to every state change of every run (Slack progress messages, CLI output). */
export type RunListener = (state: RunState) => void;

/**
 * What every driver offers: the in-process one (embedded default, exercises) and the BullMQ
 * one (production). Only persistence and scheduling differ; the state machine is shared.
 */
export interface RunDriver {
  /** True when runs survive a restart of this process. */
  readonly durable: boolean;
  startRun(request: RunRequest): Promise<RunState>;
  decide(request: DecisionRequest): Promise<ControlOutcome>;
  abort(
    runId: string,
    by: string,
    reason: string,
    origin?: Readonly<Record<string, string>>,
  ): Promise<ControlOutcome>;
  getRun(runId: string): Promise<RunState | undefined>;
  listRuns(): Promise<RunState[]>;
  onChange(listener: RunListener): () => void;
}

/** The engine event for a decision taken at `atMs`; every driver feeds decisions this way. */
export function toDecisionEvent(request: DecisionRequest, atMs: number): EngineEvent {
  return {
    type: 'approval_decided',
    stepId: request.stepId,
    atMs,
    by: request.by,
    roles: request.roles,
    decision: request.decision,
    reason: request.reason,
    origin: request.origin,
  };
}

/** The engine event for an abort asked at `atMs`. */
export function toAbortEvent(
  request: { by: string; reason: string; origin?: Readonly<Record<string, string>> },
  atMs: number,
): EngineEvent {
  return { type: 'abort_requested', atMs, ...request };
}
