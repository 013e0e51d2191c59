import { toHashedPlan } from '../actions/index.js';
import type {
  AnyActionDefinition,
  HashedPlan,
  PlanContext,
  PlannedChange,
} from '../actions/index.js';
import type { AwsClients } from '../aws/index.js';
import { describeError } from '../shared/index.js';
import type { RunState, StepState } from './run-state.js';

/** What an approval shows: the action, its input and, for actions that plan, the plan. */
export interface ApprovalPreview {
  readonly action: string;
  readonly input: unknown;
  readonly plan?: HashedPlan;
  /** Why the plan could not be computed (the approval is then for the input alone). */
  readonly planError?: string;
  /** Set when an approved step asks again: the hash of the plan that was approved. */
  readonly approvedPlanHash?: string;
}

function isPlannedChange(value: unknown): value is PlannedChange {
  const change = value as Partial<PlannedChange> | null;
  return (
    typeof change?.resource === 'string' &&
    typeof change.before === 'string' &&
    typeof change.after === 'string'
  );
}

/**
 * The plan an approval preview holds, read from a stored step (state that has been through
 * JSON): undefined when it has none or it is not one.
 */
export function readPreviewPlan(preview: unknown): HashedPlan | undefined {
  const { changes, hash } =
    (preview as { plan?: { changes?: unknown; hash?: unknown } } | null)?.plan ?? {};
  if (typeof hash !== 'string' || !Array.isArray(changes) || !changes.every(isPlannedChange)) {
    return undefined;
  }
  return { changes, hash };
}

/** The clients of one step: its region (`with.region`, else the run's `region` input) and role. */
export function scopeAwsClients(
  aws: AwsClients,
  state: RunState,
  stepId: string,
  input: unknown,
): AwsClients {
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
  const region =
    text((input as { region?: unknown } | null)?.region) ?? text(state.inputs['region']);
  const accountId = text(state.inputs['accountId']);
  const scope = {
    runId: state.runId,
    stepId,
    runbookId: state.runbookId,
    requester: state.requester,
    ...(region === undefined ? {} : { region }),
    ...(accountId === undefined ? {} : { accountId }),
  };
  if (aws.forScope === undefined) return aws;
  // Scoped on first use, so steps that make no AWS call (note, approval) never build clients.
  let scoped: AwsClients | undefined;
  const resolve = () => (scoped ??= aws.forScope?.(scope) ?? aws);
  return {
    simulated: aws.simulated,
    region: region ?? aws.region,
    ec2: () => resolve().ec2(),
    sns: () => resolve().sns(),
    iam: () => resolve().iam(),
    cloudWatch: () => resolve().cloudWatch(),
    autoScaling: () => resolve().autoScaling(),
    guardDuty: () => resolve().guardDuty(),
    securityHub: () => resolve().securityHub(),
  };
}

/** One action's input with the context its plan runs in (one per `forEach` item). */
export interface PlanTarget {
  readonly input: unknown;
  readonly context: PlanContext;
}

async function computePlan(action: AnyActionDefinition, targets: readonly PlanTarget[]) {
  const changes = [];
  for (const { input, context } of targets)
    changes.push(...((await action.plan?.(input, context)) ?? []));
  return toHashedPlan(changes);
}

async function toPreview(
  action: AnyActionDefinition,
  input: unknown,
  targets: readonly PlanTarget[],
  context: PlanContext,
): Promise<ApprovalPreview> {
  const base = { action: action.id, input };
  if (action.plan === undefined) return base;
  try {
    return { ...base, plan: await computePlan(action, targets) };
  } catch (error) {
    context.logger.warn('plan failed', { error: describeError(error) });
    return { ...base, planError: describeError(error) };
  }
}

/**
 * Decides whether a step that needs approval must ask (again). Before approval it asks with a
 * preview that holds the plan and its hash. Once approved, an action that plans recomputes its
 * plan from live state: a different hash means the world changed since the approval, so the
 * step asks again with the new plan. A recomputation that fails throws (the step fails).
 */
export async function checkApproval(
  action: AnyActionDefinition,
  input: unknown,
  targets: readonly PlanTarget[],
  context: PlanContext,
  step: StepState,
  approved: boolean,
): Promise<{ ask: false } | { ask: true; preview: ApprovalPreview }> {
  if (!approved) return { ask: true, preview: await toPreview(action, input, targets, context) };
  const approvedHash = (step.approval?.preview as ApprovalPreview | undefined)?.plan?.hash;
  if (action.plan === undefined || approvedHash === undefined) return { ask: false };
  const plan = await computePlan(action, targets);
  if (plan.hash === approvedHash) return { ask: false };
  context.logger.warn('plan changed since approval; asking again', {
    approvedHash,
    hash: plan.hash,
  });
  return { ask: true, preview: { action: action.id, input, plan, approvedPlanHash: approvedHash } };
}
