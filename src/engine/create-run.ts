import type { AuditEntry } from '../audit/index.js';
import { PHASES, resolveInputs } from '../runbook/index.js';
import type { Phase, RunbookDocument, StepDefinition } from '../runbook/index.js';
import { parseDurationMs } from '../shared/index.js';
import type { ApprovalPlan, RetryPlan, RunState, RunTrigger, StepState } from './run-state.js';

/** What it takes to start a run. */
export interface RunRequest {
  readonly runbookId: string;
  readonly inputs: Readonly<Record<string, unknown>>;
  /** Who asked: a Slack user id, a CLI user, or `sns` for alarms and findings. */
  readonly requester: string;
  readonly trigger: RunTrigger;
  /** Set by callers that need the id before the run exists (dedupe); generated otherwise. */
  readonly runId?: string;
  /**
   * A runbook that is not in any catalog (the generated `undo-<runId>` runbooks). It travels in
   * the run's state, so that every worker can run it.
   */
  readonly runbook?: RunbookDocument;
  /**
   * Records of the trigger that asked for the run (SNS's `trigger.received` and
   * `trigger.matched`), written before the run's own first records and, where the store
   * allows, in the same atomic write: the chain shows both or neither.
   */
  readonly triggerAudit?: readonly AuditEntry[];
}

function planApproval(runbook: RunbookDocument, step: StepDefinition): ApprovalPlan | undefined {
  const rule = step.approval;
  if (rule === undefined && step.action !== 'approval') return undefined;
  return {
    roles: rule?.roles ?? runbook.permissions?.approve ?? [],
    min: rule?.min ?? 1,
    deadlineMs: rule?.deadline === undefined ? undefined : parseDurationMs(rule.deadline),
    ...(rule?.onDeadline === 'escalate'
      ? { onDeadline: 'escalate' as const, escalateTo: rule.escalateTo }
      : {}),
  };
}

function planRetry(step: StepDefinition): RetryPlan | undefined {
  const rule = step.retry;
  if (rule === undefined) return undefined;
  return {
    attempts: rule.attempts,
    backoff: rule.backoff,
    delayMs: parseDurationMs(rule.delay),
    maxDelayMs: parseDurationMs(rule.maxDelay),
    on: rule.on,
  };
}

function planStep(runbook: RunbookDocument, step: StepDefinition, phase: Phase): StepState {
  const { onFailure } = step;
  const retry = planRetry(step);
  return {
    id: step.id,
    phase,
    action: step.action,
    status: 'pending',
    attempt: 0,
    onFailure: typeof onFailure === 'string' ? onFailure : 'abort',
    approved: false,
    approvalPlan: planApproval(runbook, step),
    ...(retry ? { retry } : {}),
    ...(typeof onFailure === 'string' ? {} : { compensate: onFailure.compensate }),
  };
}

/** Lays out a new run's state from its runbook: every step of every phase, in order. */
export function createRunState(
  runbook: RunbookDocument,
  request: RunRequest & { runId: string },
  options: { nowMs: number; simulated: boolean },
): RunState {
  const inputs = resolveInputs(runbook, request.inputs);
  const planned = (step: StepDefinition, phase: Phase) => planStep(runbook, step, phase);
  const steps: StepState[] = [
    ...PHASES.flatMap((phase) => runbook.phases[phase].map((step) => planned(step, phase))),
    // Compensation steps sit after the last phase and run only when a failed step names them.
    ...runbook.compensation.map((step) => ({ ...planned(step, 'recover'), compensation: true })),
  ];
  return {
    runId: request.runId,
    runbookId: runbook.name,
    status: 'running',
    inputs,
    trigger: request.trigger,
    requester: request.requester,
    simulated: options.simulated,
    startedAtMs: options.nowMs,
    steps,
    cursor: 0,
    version: 0,
    ...(request.runbook === undefined ? {} : { inlineRunbook: request.runbook }),
  };
}
