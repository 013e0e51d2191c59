import type { Phase, RunbookDocument } from '../runbook/index.js';

/** A run's state, as stored and shown in Slack. The spelling is a contract. */
export type RunStatus =
  'running' | 'awaiting_approval' | 'succeeded' | 'failed' | 'denied' | 'aborted';

/** A step's state, as stored and shown in Slack. The spelling is a contract. */
export type StepStatus =
  | 'pending'
  | 'running'
  | 'awaiting_approval'
  | 'succeeded'
  | 'failed'
  | 'skipped'
  | 'denied'
  | 'cancelled';

/** Run statuses after which nothing more happens. */
export const FINISHED_RUN_STATUSES: readonly RunStatus[] = [
  'succeeded',
  'failed',
  'denied',
  'aborted',
];

/** Why a step failed, sorted for people and for retry decisions. */
export interface StepError {
  /** Stable code: an AWS error name (`InvalidInstanceID.NotFound`) or a firebreak code. */
  readonly code: string;
  readonly message: string;
  /** throttled, transient, server or client (AWS), or firebreak for our own checks. */
  readonly kind?: 'throttled' | 'transient' | 'server' | 'client' | 'firebreak';
}

/** One person's decision on an approval. */
export interface ApprovalDecision {
  readonly by: string;
  readonly decision: 'approve' | 'deny';
  readonly atMs: number;
  readonly reason?: string;
}

/** An approval a step waits for. */
export interface ApprovalState {
  readonly requestedAtMs: number;
  readonly deadlineAtMs?: number;
  /** Roles allowed to decide; empty means anyone but the requester. */
  readonly roles: readonly string[];
  /** How many distinct approvers are needed. */
  readonly min: number;
  readonly decisions: readonly ApprovalDecision[];
  /** What will happen when approved: the action and its resolved input. */
  readonly preview?: unknown;
  /** True once the first deadline passed and the request went to the fallback role. */
  readonly escalated?: boolean;
}

/** The approval rule of a planned step, resolved from the runbook. */
export interface ApprovalPlan {
  readonly roles: readonly string[];
  readonly min: number;
  readonly deadlineMs?: number;
  /** At the deadline: deny (default) or ask `escalateTo` for one more deadline. */
  readonly onDeadline?: 'deny' | 'escalate';
  /** The fallback role asked when the deadline passes with `onDeadline: escalate`. */
  readonly escalateTo?: string;
}

/** How a step retries failed attempts, resolved from the runbook's `retry`. */
export interface RetryPlan {
  /** Most attempts in all, the first included. */
  readonly attempts: number;
  readonly backoff: 'fixed' | 'exponential';
  /** Delay before the second attempt. */
  readonly delayMs: number;
  /** Longest delay between attempts. */
  readonly maxDelayMs: number;
  /** Error kinds (`throttled`, `transient`, `server`, `client`, `timeout`) or exact codes. */
  readonly on: readonly string[];
}

/** One step of a run. */
export interface StepState {
  readonly id: string;
  readonly phase: Phase;
  readonly action: string;
  readonly status: StepStatus;
  /** Deliveries so far (1 on the first). */
  readonly attempt: number;
  readonly onFailure: 'abort' | 'continue';
  readonly approvalPlan?: ApprovalPlan;
  readonly approval?: ApprovalState;
  /** Retry policy; absent means one attempt. */
  readonly retry?: RetryPlan;
  /** When the next attempt is due, while a retry waits. */
  readonly retryAtMs?: number;
  /** When a waiting step (`wait`) is over; its outputs are kept meanwhile. */
  readonly waitUntilMs?: number;
  /** Compensation steps to run, in order, when this step fails (`onFailure.compensate`). */
  readonly compensate?: readonly string[];
  /** True for steps under the runbook's `compensation`: they run only when named. */
  readonly compensation?: boolean;
  readonly approved: boolean;
  readonly outputs?: unknown;
  readonly error?: StepError;
  readonly note?: string;
  readonly startedAtMs?: number;
  readonly finishedAtMs?: number;
}

/** Where a run came from. */
export interface RunTrigger {
  readonly source: 'cli' | 'slack' | 'sns' | 'tabletop';
  /** The parsed alarm or finding, when there is one (`trigger.*` in expressions). */
  readonly event?: unknown;
  readonly messageId?: string;
  readonly incidentKey?: string;
}

/** A run of a runbook. */
export interface RunState {
  readonly runId: string;
  readonly runbookId: string;
  readonly status: RunStatus;
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly trigger: RunTrigger;
  readonly requester: string;
  readonly simulated: boolean;
  readonly startedAtMs: number;
  readonly finishedAtMs?: number;
  readonly steps: readonly StepState[];
  /** Index of the step in hand (or steps.length when past the last). */
  readonly cursor: number;
  readonly failure?: { readonly stepId?: string; readonly code: string; readonly message: string };
  readonly abort?: { readonly by: string; readonly reason: string; readonly atMs: number };
  /** While compensation steps run after a failure: the failure and the steps still to run. */
  readonly compensating?: {
    readonly failure: { readonly stepId?: string; readonly code: string; readonly message: string };
    readonly remaining: readonly string[];
  };
  /** Bumped on every transition; lets stores refuse stale writes. */
  readonly version: number;
  /** The run's own runbook when it came with the request instead of from the catalog. */
  readonly inlineRunbook?: RunbookDocument;
}

/** Whether nothing more will happen to the run. */
export function isFinished(state: Pick<RunState, 'status'>): boolean {
  return FINISHED_RUN_STATUSES.includes(state.status);
}

/** The step with `stepId`, or undefined. */
export function findStep(state: RunState, stepId: string): StepState | undefined {
  return state.steps.find((s) => s.id === stepId);
}
