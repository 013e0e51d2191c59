import { PHASES, resolveInputs } from '../runbook/index.js';
import type { RunbookDocument } from '../runbook/index.js';
import { parseDurationMs } from '../shared/index.js';
import type { RunState, RunTrigger, StepState } from './run-state.js';

/** What it takes to start a run. */
export interface RunRequest {
  readonly runbookId: string;
  readonly inputs: Readonly<Record<string, unknown>>;
  /** Who asked: a Slack user id, a CLI user, or `sns` for alarms and findings. */
  readonly requester: string;
  readonly trigger: RunTrigger;
  /** Set by callers that need the id before the run exists (dedupe); generated otherwise. */
  readonly runId?: string;
}

/** Lays out a new run's state from its runbook: every step of every phase, in order. */
export function createRunState(
  runbook: RunbookDocument,
  request: RunRequest & { runId: string },
  options: { nowMs: number; simulated: boolean },
): RunState {
  const inputs = resolveInputs(runbook, request.inputs);
  const steps: StepState[] = PHASES.flatMap((phase) =>
    runbook.phases[phase].map((step) => {
      const needsApproval = step.approval !== undefined || step.action === 'approval';
      const rule = step.approval;
      return {
        id: step.id,
        phase,
        action: step.action,
        status: 'pending' as const,
        attempt: 0,
        onFailure: typeof step.onFailure === 'string' ? step.onFailure : ('abort' as const),
        approved: false,
        approvalPlan: needsApproval
          ? {
              roles: rule?.roles ?? runbook.permissions?.approve ?? [],
              min: rule?.min ?? 1,
              deadlineMs: rule?.deadline === undefined ? undefined : parseDurationMs(rule.deadline),
            }
          : undefined,
      };
    }),
  );
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
  };
}
