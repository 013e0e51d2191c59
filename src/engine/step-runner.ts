import type { ActionRegistry } from '../actions/index.js';
import type { AuditSink } from '../audit/index.js';
import { withAwsCallRecorder } from '../aws/index.js';
import type { AwsClients } from '../aws/index.js';
import { evaluateCondition, resolveTemplates } from '../runbook/index.js';
import type { ExpressionScope, RunbookDocument, StepDefinition } from '../runbook/index.js';
import { PHASES } from '../runbook/index.js';
import { describeError } from '../shared/index.js';
import type { Clock, Logger } from '../shared/index.js';
import type { EngineEvent } from './events.js';
import type { RunState, StepError } from './run-state.js';
import { classifyError } from './classify-error.js';

/** What running a step needs. */
export interface StepRunnerDeps {
  readonly actions: ActionRegistry;
  readonly aws: AwsClients;
  readonly audit: AuditSink;
  readonly clock: Clock;
  readonly logger: Logger;
}

/** The expression scope of a run: its inputs, trigger, earlier steps' outputs and itself. */
export function scopeOf(state: RunState): ExpressionScope {
  const steps: Record<string, { outputs?: unknown; status: string }> = {};
  for (const step of state.steps) steps[step.id] = { outputs: step.outputs, status: step.status };
  return {
    inputs: { ...state.inputs },
    trigger: state.trigger.event,
    steps,
    run: {
      id: state.runId,
      requester: state.requester,
      startedAt: new Date(state.startedAtMs).toISOString(),
      runbook: state.runbookId,
    },
  };
}

function findDefinition(runbook: RunbookDocument, stepId: string): StepDefinition | undefined {
  for (const phase of PHASES) {
    const step = runbook.phases[phase].find((s) => s.id === stepId);
    if (step) return step;
  }
  return undefined;
}

function failed(stepId: string, atMs: number, error: StepError): EngineEvent {
  return { type: 'step_failed', stepId, atMs, error };
}

/**
 * Runs one step: checks its condition, resolves its input, asks for approval when needed,
 * then calls its action with every AWS call recorded in the audit log. Never throws: every
 * outcome is an event for the state machine.
 */
export async function runStep(
  state: RunState,
  runbook: RunbookDocument,
  command: { stepId: string; attempt: number; approved: boolean; redelivered?: boolean },
  deps: StepRunnerDeps,
): Promise<EngineEvent> {
  const { stepId } = command;
  const now = () => deps.clock.now();
  const definition = findDefinition(runbook, stepId);
  const action = definition && deps.actions.find(definition.action);
  if (!definition || !action) {
    const message = `step ${stepId}: unknown action "${definition?.action ?? '?'}"`;
    return failed(stepId, now(), { code: 'ACTION_UNKNOWN', message, kind: 'firebreak' });
  }

  const scope = scopeOf(state);
  let input: unknown;
  try {
    if (definition.if !== undefined && !(await evaluateCondition(definition.if, scope, stepId))) {
      return { type: 'step_skipped', stepId, atMs: now(), reason: `condition is false: ${definition.if}` };
    }
    input = await resolveTemplates(definition.with ?? {}, scope, stepId);
  } catch (error) {
    return failed(stepId, now(), { code: 'EXPRESSION_FAILED', message: describeError(error), kind: 'firebreak' });
  }

  const parsed = action.input.safeParse(input);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join('.') || 'with'}: ${i.message}`).join('; ');
    const message = `step ${stepId}: invalid input for ${action.id}: ${detail}`;
    return failed(stepId, now(), { code: 'STEP_INPUT_INVALID', message, kind: 'firebreak' });
  }

  const step = state.steps.find((s) => s.id === stepId);
  if (step?.approvalPlan && !command.approved) {
    return { type: 'approval_needed', stepId, atMs: now(), preview: { action: action.id, input: parsed.data } };
  }

  const logger = deps.logger.child({ runId: state.runId, runbookId: state.runbookId, stepId });
  const pendingAudit: Promise<unknown>[] = [];
  const base = { runId: state.runId, stepId };
  try {
    const outputs = await withAwsCallRecorder(
      (record) => pendingAudit.push(deps.audit.append({ ...base, type: 'aws.call', data: { ...record } })),
      () =>
        action.run(parsed.data, {
          runId: state.runId,
          runbookId: state.runbookId,
          stepId,
          attempt: command.attempt,
          redelivered: command.redelivered ?? false,
          clock: deps.clock,
          logger,
          aws: deps.aws,
          idempotencyToken: `${state.runId}:${stepId}`,
          note: (text, fields) =>
            pendingAudit.push(deps.audit.append({ ...base, type: 'note', data: { text, ...fields } })),
        }),
    );
    await Promise.all(pendingAudit);
    return { type: 'step_succeeded', stepId, atMs: now(), outputs: outputs ?? {} };
  } catch (error) {
    await Promise.all(pendingAudit);
    logger.warn('step failed', { error: describeError(error) });
    return failed(stepId, now(), classifyError(error));
  }
}
