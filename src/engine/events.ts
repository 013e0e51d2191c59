import type { AuditEntry } from '../audit/index.js';
import type { RunState, RunStatus, StepError } from './run-state.js';

/** Something that happened to a run; the input of {@link applyEvent}. */
export type EngineEvent =
  | { type: 'step_succeeded'; stepId: string; atMs: number; outputs: unknown }
  | { type: 'step_skipped'; stepId: string; atMs: number; reason: string }
  | { type: 'step_failed'; stepId: string; atMs: number; error: StepError }
  /** The step's action waits: the step is over at `untilMs` (see `ActionDefinition.resumeAt`). */
  | { type: 'step_waiting'; stepId: string; atMs: number; untilMs: number; outputs: unknown }
  | { type: 'approval_needed'; stepId: string; atMs: number; preview: unknown }
  | {
      type: 'approval_decided';
      stepId: string;
      atMs: number;
      by: string;
      /** Roles the decider holds (resolved by the caller from its role map). */
      roles: readonly string[];
      decision: 'approve' | 'deny';
      reason?: string;
      /** Where the decision came from (CLI: the OS user and host behind the claimed name). */
      origin?: Readonly<Record<string, string>>;
    }
  | { type: 'deadline_reached'; stepId: string; atMs: number }
  /** A retry's wait is over (the driver's timer from `schedule_retry` fired). */
  | { type: 'retry_due'; stepId: string; atMs: number }
  /** A waiting step's time is up (the driver's timer from `schedule_wait` fired). */
  | { type: 'wait_over'; stepId: string; atMs: number }
  | {
      type: 'abort_requested';
      atMs: number;
      by: string;
      reason: string;
      /** Where the abort came from (CLI: the OS user and host behind the claimed name). */
      origin?: Readonly<Record<string, string>>;
    };

/** Work for a driver to carry out after a transition. */
export type EngineCommand =
  | { type: 'run_step'; stepId: string; attempt: number; approved: boolean }
  | { type: 'request_approval'; stepId: string; deadlineAtMs?: number; preview: unknown }
  | { type: 'schedule_deadline'; stepId: string; atMs: number }
  /** Feed `retry_due` for the step at `atMs`; `attempt` is the attempt that will then run. */
  | { type: 'schedule_retry'; stepId: string; attempt: number; atMs: number }
  /** Feed `wait_over` for the step at `atMs`. */
  | { type: 'schedule_wait'; stepId: string; atMs: number }
  | { type: 'run_finished'; status: RunStatus };

/** Why an event was not applied (late or duplicate click, self-approval...). */
export interface EventRefusal {
  readonly code:
    | 'APPROVAL_NOT_PENDING'
    | 'APPROVAL_LATE'
    | 'APPROVAL_SELF'
    | 'APPROVAL_DUPLICATE'
    | 'APPROVAL_ROLE_MISSING'
    | 'RUN_FINISHED'
    | 'STEP_NOT_IN_HAND';
  readonly message: string;
}

/** What a transition returns: the new state, the work to do, and what to audit. */
export interface Transition {
  readonly state: RunState;
  readonly commands: readonly EngineCommand[];
  readonly audit: readonly AuditEntry[];
  readonly refusal?: EventRefusal;
}
