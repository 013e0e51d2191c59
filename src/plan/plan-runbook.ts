import type { ActionRegistry, PlannedChange } from '../actions/index.js';
import { hashCanonical } from '../actions/index.js';
import type { AwsClients } from '../aws/index.js';
import { createRunState, scopeOf } from '../engine/index.js';
import type { RunState, StepState } from '../engine/index.js';
import { evaluateCondition, PHASES, resolveTemplates } from '../runbook/index.js';
import type { RunbookDocument, StepDefinition } from '../runbook/index.js';
import { describeError } from '../shared/index.js';
import type { Clock, Logger } from '../shared/index.js';

/** Options for {@link planRunbook}. */
export interface PlanRunbookOptions {
  runbook: RunbookDocument;
  /** Run inputs as `firebreak run` takes them (`key=value` strings are converted by type). */
  inputs: Readonly<Record<string, unknown>>;
  actions: ActionRegistry;
  aws: AwsClients;
  clock: Clock;
  logger: Logger;
  /** Who asks; shown in the plan and used for assumed-role session tags. */
  requester: string;
}

/**
 * What became of one step in a plan:
 * - `planned`: a mutating step, with the changes it would make (none when already done);
 * - `ran`: a read-only AWS step, run for real so later steps can use its outputs;
 * - `skipped`: its condition is false;
 * - `not-run`: a step that changes nothing in AWS but is not a read (note, approval, SNS);
 * - `unplanned`: it could not be planned; `reason` says why.
 */
export type PlannedStepStatus = 'planned' | 'ran' | 'skipped' | 'not-run' | 'unplanned';

/** One step of a {@link RunbookPlan}. */
export interface PlannedStep {
  readonly stepId: string;
  readonly phase: string;
  readonly action: string;
  readonly status: PlannedStepStatus;
  readonly changes?: readonly PlannedChange[];
  readonly reason?: string;
}

/** What `firebreak plan` prints: each step's fate and the hash of the planned changes. */
export interface RunbookPlan {
  readonly runbookId: string;
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly simulated: boolean;
  readonly steps: readonly PlannedStep[];
  /** sha256 of the canonical JSON of the planned steps' ids, actions and changes. */
  readonly hash: string;
}

function definitionOf(runbook: RunbookDocument, stepId: string): StepDefinition | undefined {
  for (const phase of PHASES) {
    const found = runbook.phases[phase].find((s) => s.id === stepId);
    if (found) return found;
  }
  return undefined;
}

function withOutputs(state: RunState, stepId: string, outputs: unknown): RunState {
  const steps = state.steps.map((s) =>
    s.id === stepId ? { ...s, status: 'succeeded' as const, outputs } : s,
  );
  return { ...state, steps };
}

/** Steps whose outputs a plan does not know, for the reason of a step that reads them. */
function unknownOutputs(state: RunState, before: StepState): string[] {
  const index = state.steps.findIndex((s) => s.id === before.id);
  return state.steps.slice(0, index).flatMap((s) => (s.outputs === undefined ? [s.id] : []));
}

async function planStep(
  options: PlanRunbookOptions,
  state: RunState,
  step: StepState,
): Promise<{ planned: PlannedStep; outputs?: unknown }> {
  const base = { stepId: step.id, phase: step.phase, action: step.action };
  const definition = definitionOf(options.runbook, step.id);
  const action = options.actions.find(step.action);
  if (definition === undefined || action === undefined) {
    return { planned: { ...base, status: 'unplanned', reason: `unknown action ${step.action}` } };
  }
  if (definition.forEach !== undefined) {
    return {
      planned: { ...base, status: 'unplanned', reason: 'forEach steps are not planned yet' },
    };
  }

  const scope = scopeOf(state);
  let input: unknown;
  try {
    if (definition.if !== undefined && !(await evaluateCondition(definition.if, scope, step.id))) {
      return {
        planned: { ...base, status: 'skipped', reason: `condition is false: ${definition.if}` },
      };
    }
    input = action.input.parse(await resolveTemplates(definition.with ?? {}, scope, step.id));
  } catch (error) {
    const missing = unknownOutputs(state, step);
    const after =
      missing.length > 0 ? ` (outputs of ${missing.join(', ')} are not known before the run)` : '';
    return { planned: { ...base, status: 'unplanned', reason: `${describeError(error)}${after}` } };
  }

  const { clock, logger } = options;
  const context = {
    runId: state.runId,
    runbookId: state.runbookId,
    stepId: step.id,
    clock,
    logger,
  };
  const aws = options.aws.forScope?.({ ...context, requester: state.requester }) ?? options.aws;
  if (action.mutating) {
    if (action.plan === undefined) {
      return {
        planned: { ...base, status: 'unplanned', reason: `${action.id} cannot plan its changes` },
      };
    }
    const changes = await action.plan(input, { ...context, aws });
    return { planned: { ...base, status: 'planned', changes } };
  }
  // Only read-only AWS calls run for real: never a notification or anything with a token.
  const readOnly = action.id.startsWith('aws.') && action.idempotency === 'safe';
  if (!readOnly) return { planned: { ...base, status: 'not-run' } };
  const note = () => undefined;
  const actionContext = {
    ...context,
    aws,
    attempt: 1,
    note,
    idempotencyToken: `${state.runId}:${step.id}`,
  };
  const outputs = await action.run(input, actionContext);
  return { planned: { ...base, status: 'ran' }, outputs };
}

/**
 * Plans a runbook without changing anything: resolves its inputs, runs its read-only AWS
 * steps (describes) for real so later steps can use their outputs, and asks each mutating
 * step's action for the changes it would make from live state. Steps whose input needs the
 * outputs of a mutating step cannot be planned and say so. The hash covers the planned
 * changes only, so the same live state gives the same hash.
 */
export async function planRunbook(options: PlanRunbookOptions): Promise<RunbookPlan> {
  const request = {
    runbookId: options.runbook.name,
    inputs: options.inputs,
    requester: options.requester,
    trigger: { source: 'cli' as const },
    runId: `plan-${options.runbook.name}`,
  };
  let state = createRunState(options.runbook, request, {
    nowMs: options.clock.now(),
    simulated: options.aws.simulated,
  });
  const steps: PlannedStep[] = [];
  for (const step of state.steps.filter((s) => !s.compensation)) {
    const { planned, outputs } = await planStep(options, state, step);
    steps.push(planned);
    if (outputs !== undefined) state = withOutputs(state, step.id, outputs);
  }
  const planned = steps
    .filter((s) => s.status === 'planned')
    .map(({ stepId, action, changes }) => ({ stepId, action, changes }));
  return {
    runbookId: options.runbook.name,
    inputs: state.inputs,
    simulated: options.aws.simulated,
    steps,
    hash: hashCanonical(planned),
  };
}
