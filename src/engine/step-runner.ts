import type { ActionRegistry, AnyActionDefinition } from '../actions/index.js';
import type { AuditSink } from '../audit/index.js';
import { recordAwsCalls } from '../aws/index.js';
import type { AwsCallRecorder } from '../aws/index.js';
import type { AwsClients } from '../aws/index.js';
import { evaluateCondition, resolveTemplates } from '../runbook/index.js';
import type { ExpressionScope, RunbookDocument, StepDefinition } from '../runbook/index.js';
import { PHASES } from '../runbook/index.js';
import { FirebreakError, describeError, parseDurationMs } from '../shared/index.js';
import type { Clock, Logger } from '../shared/index.js';
import type { EngineEvent } from './events.js';
import type { RunState, StepError, StepState } from './run-state.js';
import { classifyError } from './classify-error.js';
import type { FailedAwsCall } from './classify-error.js';
import { runWithRetry } from './action-retry.js';
import type { ActionRetryOptions } from './action-retry.js';
import { checkApproval, scopeAwsClients } from './step-plan.js';

/** What running a step needs. */
export interface StepRunnerDeps {
  readonly actions: ActionRegistry;
  readonly aws: AwsClients;
  readonly audit: AuditSink;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Retries of throttled and transient AWS errors within one delivery; defaults apply. */
  readonly actionRetry?: ActionRetryOptions;
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
  return runbook.compensation.find((s) => s.id === stepId);
}

/** The scope of each run of the action: one, or one per `forEach` element. */
async function scopesOf(
  definition: StepDefinition,
  scope: ExpressionScope,
  clock: Clock,
): Promise<{ scopes: ExpressionScope[]; fanOut: boolean }> {
  if (definition.forEach === undefined) return { scopes: [scope], fanOut: false };
  const items = await resolveTemplates(definition.forEach, scope, definition.id, clock);
  if (!Array.isArray(items)) {
    const got = items === undefined ? 'nothing' : typeof items;
    throw new FirebreakError('FOR_EACH_NOT_A_LIST', `forEach gave ${got}, not a list`, {
      stepId: definition.id,
    });
  }
  return { scopes: items.map((item, index) => ({ ...scope, item, index })), fanOut: true };
}

/** Applies a step's `outputs` mapping (templates over `result`) to what its action returned. */
async function mapOutputs(
  definition: StepDefinition,
  scope: ExpressionScope,
  result: unknown,
  clock: Clock,
) {
  if (definition.outputs === undefined) return result ?? {};
  return resolveTemplates(definition.outputs, { ...scope, result }, definition.id, clock);
}

/** Longest a timed-out step waits for its action to stop before it reports the timeout. */
const STOP_GRACE_MS = 10_000;

/**
 * Rejects with STEP_TIMEOUT when `work` takes longer than the step's `timeout`. The step's
 * `stop` fires first: its AWS calls in flight are given up and no new one is sent. The timeout
 * is reported once the action has stopped (at most {@link STOP_GRACE_MS} later), so that a
 * retry never overlaps it and its calls are audited before the step's failure.
 */
function withTimeout<T>(
  work: Promise<T>,
  definition: StepDefinition,
  clock: Clock,
  stop: AbortController,
): Promise<T> {
  if (definition.timeout === undefined) return work;
  const timeoutMs = parseDurationMs(definition.timeout);
  return new Promise<T>((resolve, reject) => {
    let timedOut = false;
    const cancel = clock.setTimer(clock.now() + timeoutMs, () => {
      timedOut = true;
      const message = `step ${definition.id} took longer than its timeout of ${definition.timeout}`;
      const error = new FirebreakError('STEP_TIMEOUT', message, { stepId: definition.id });
      stop.abort(error);
      let cancelGrace = () => {};
      const grace = new Promise<void>((done) => {
        cancelGrace = clock.setTimer(clock.now() + STOP_GRACE_MS, done);
      });
      void Promise.race([work.catch(() => undefined), grace]).then(() => {
        cancelGrace();
        reject(error);
      });
    });
    // Settling after the timeout changes nothing: the step has timed out.
    work.then(
      (value) => {
        if (timedOut) return;
        cancel();
        resolve(value);
      },
      (error: unknown) => {
        if (timedOut) return;
        cancel();
        reject(error);
      },
    );
  });
}

/** The input(s) an approval's preview showed, still valid for the action; else undefined. */
function inputsApproved(
  step: StepState | undefined,
  action: AnyActionDefinition,
  fanOut: boolean,
): unknown[] | undefined {
  const shown = (step?.approval?.preview as { input?: unknown } | undefined)?.input;
  if (shown === undefined) return undefined;
  const inputs = fanOut ? shown : [shown];
  if (!Array.isArray(inputs)) return undefined;
  const parsed = inputs.map((input) => action.input.safeParse(input));
  return parsed.every((p) => p.success) ? parsed.map((p) => p.data) : undefined;
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
  let scopes: ExpressionScope[];
  let fanOut: boolean;
  let inputs: unknown[];
  try {
    const { clock } = deps;
    if (
      definition.if !== undefined &&
      !(await evaluateCondition(definition.if, scope, stepId, clock))
    ) {
      return {
        type: 'step_skipped',
        stepId,
        atMs: now(),
        reason: `condition is false: ${definition.if}`,
      };
    }
    ({ scopes, fanOut } = await scopesOf(definition, scope, clock));
    inputs = [];
    for (const itemScope of scopes) {
      inputs.push(await resolveTemplates(definition.with ?? {}, itemScope, stepId, clock));
    }
  } catch (error) {
    const code = error instanceof FirebreakError ? error.code : 'EXPRESSION_FAILED';
    return failed(stepId, now(), { code, message: describeError(error), kind: 'firebreak' });
  }

  const parsedInputs: unknown[] = [];
  for (const [index, input] of inputs.entries()) {
    const parsed = action.input.safeParse(input);
    if (!parsed.success) {
      const detail = parsed.error.issues
        .map((i) => `${i.path.join('.') || 'with'}: ${i.message}`)
        .join('; ');
      const which = fanOut ? ` (forEach item ${index})` : '';
      const message = `step ${stepId}: invalid input for ${action.id}${which}: ${detail}`;
      return failed(stepId, now(), { code: 'STEP_INPUT_INVALID', message, kind: 'firebreak' });
    }
    parsedInputs.push(parsed.data);
  }

  const step = state.steps.find((s) => s.id === stepId);
  const approvedInputs = command.approved ? inputsApproved(step, action, fanOut) : undefined;
  // An approved step acts on the input its approvers saw, not on one resolved again: a template
  // such as $now() would give another input, so another plan, and ask for approval again.
  // When that input no longer fits (a forEach list of another length, an input the action now
  // refuses), nobody approved what would run: approval is asked again.
  const approvalHolds = approvedInputs?.length === parsedInputs.length;
  if (approvalHolds) parsedInputs.splice(0, parsedInputs.length, ...approvedInputs);
  const logger = deps.logger.child({ runId: state.runId, runbookId: state.runbookId, stepId });
  const pendingAudit: Promise<unknown>[] = [];
  const base = { runId: state.runId, stepId };
  // The last AWS call that failed names the IAM action an AccessDenied lacks.
  let failedCall: FailedAwsCall | undefined;
  // Fired when the step times out: the action's AWS calls stop (see withTimeout).
  const stop = new AbortController();
  const recorder: AwsCallRecorder = (record) => {
    if (record.errorCode !== undefined) failedCall = record;
    pendingAudit.push(deps.audit.append({ ...base, type: 'aws.call', data: { ...record } }));
  };
  const planContext = {
    runId: state.runId,
    runbookId: state.runbookId,
    stepId,
    clock: deps.clock,
    logger,
    aws: recordAwsCalls(deps.aws, recorder, stop.signal),
  };
  const targets = parsedInputs.map((input) => {
    const aws = recordAwsCalls(
      scopeAwsClients(deps.aws, state, stepId, input),
      recorder,
      stop.signal,
    );
    return { input, context: { ...planContext, aws } };
  });
  try {
    if (step?.approvalPlan) {
      const input = fanOut ? parsedInputs : parsedInputs[0];
      const check = await checkApproval(
        action,
        input,
        targets,
        planContext,
        step,
        command.approved && approvalHolds,
      );
      if (check.ask) {
        await Promise.all(pendingAudit);
        return { type: 'approval_needed', stepId, atMs: now(), preview: check.preview };
      }
    }
    // One attempt runs the action once per item; the step's timeout bounds them all together.
    const runItems = async () => {
      const results: unknown[] = [];
      for (const [index, { input, context: target }] of targets.entries()) {
        const token = fanOut ? `${state.runId}:${stepId}:${index}` : `${state.runId}:${stepId}`;
        const result = await runWithRetry(
          () =>
            action.run(input, {
              runId: state.runId,
              runbookId: state.runbookId,
              stepId,
              attempt: command.attempt,
              redelivered: command.redelivered ?? false,
              clock: deps.clock,
              logger,
              aws: target.aws,
              idempotencyToken: token,
              signal: stop.signal,
              note: (text, fields) =>
                pendingAudit.push(
                  deps.audit.append({ ...base, type: 'note', data: { text, ...fields } }),
                ),
            }),
          deps.actionRetry ?? {},
          logger,
        );
        results.push(await mapOutputs(definition, scopes[index] ?? scope, result, deps.clock));
      }
      return results;
    };
    const results = await withTimeout(runItems(), definition, deps.clock, stop);
    const outputs = fanOut ? results : results[0];
    await Promise.all(pendingAudit);
    const atMs = now();
    // A waiting action's step is over later; a fanned-out one when its last item's wait is.
    const untilMs = Math.max(...results.map((result) => action.resumeAt?.(result) ?? atMs));
    if (untilMs > atMs) {
      return { type: 'step_waiting', stepId, atMs, untilMs, outputs: outputs ?? {} };
    }
    return { type: 'step_succeeded', stepId, atMs, outputs: outputs ?? {} };
  } catch (error) {
    await Promise.all(pendingAudit);
    logger.warn('step failed', { error: describeError(error) });
    return failed(stepId, now(), classifyError(error, failedCall));
  }
}
