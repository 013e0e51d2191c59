import type { AuditEntry } from '../audit/index.js';
import type { EngineCommand, EngineEvent, EventRefusal, Transition } from './events.js';
import { findStep, isFinished } from './run-state.js';
import type { ApprovalState, RunState, RunStatus, StepError, StepState } from './run-state.js';

/**
 * The run state machine. Pure: no clock, queue, Slack or AWS; given a state and an event it
 * returns the next state, the commands a driver must carry out, and the audit entries.
 */

type Draft = { state: RunState; commands: EngineCommand[]; audit: AuditEntry[] };

function replaceStep(state: RunState, step: StepState): RunState {
  return { ...state, steps: state.steps.map((s) => (s.id === step.id ? step : s)) };
}

function refuse(state: RunState, refusal: EventRefusal, entry?: AuditEntry): Transition {
  return { state, commands: [], audit: entry ? [entry] : [], refusal };
}

function finish(draft: Draft, status: RunStatus, atMs: number): Draft {
  const steps = draft.state.steps.map((s) =>
    s.status === 'pending' ? { ...s, status: 'cancelled' as const } : s,
  );
  const state = { ...draft.state, status, steps, finishedAtMs: atMs };
  draft.audit.push({
    type: 'run.finished',
    runId: state.runId,
    data: { status, failure: state.failure, durationMs: atMs - state.startedAtMs },
  });
  draft.commands.push({ type: 'run_finished', status });
  return { ...draft, state };
}

/** Moves to the step at `cursor` (or finishes the run) and emits the work for it. */
function advance(draft: Draft, cursor: number, atMs: number): Draft {
  if (draft.state.compensating) return nextCompensation(draft, atMs);
  const step = draft.state.steps[cursor];
  // Compensation steps sit after the last phase: reaching one means the phases are done.
  if (!step || step.compensation) {
    const state = { ...draft.state, cursor };
    // A step that failed with `onFailure: continue` was allowed to fail: the run still succeeds.
    const failed = state.steps.some((s) => s.status === 'failed' && s.onFailure !== 'continue');
    return finish({ ...draft, state }, failed ? 'failed' : 'succeeded', atMs);
  }
  return startStep(draft, cursor, atMs);
}

function startStep(draft: Draft, cursor: number, atMs: number, attempt = 1): Draft {
  const step = draft.state.steps[cursor] as StepState;
  const { retryAtMs: _done, ...rest } = step;
  const started: StepState = { ...rest, status: 'running', attempt, startedAtMs: atMs };
  draft.audit.push({
    type: 'step.started',
    runId: draft.state.runId,
    stepId: step.id,
    data: { phase: step.phase, action: step.action, attempt },
  });
  draft.commands.push({ type: 'run_step', stepId: step.id, attempt, approved: step.approved });
  const state = { ...replaceStep(draft.state, started), cursor, status: 'running' as const };
  return { ...draft, state };
}

/** Runs the next compensation step, or fails the run with the failure that started them. */
function nextCompensation(draft: Draft, atMs: number): Draft {
  const compensating = draft.state.compensating;
  if (!compensating) return draft;
  const [next, ...remaining] = compensating.remaining;
  const cursor = draft.state.steps.findIndex((s) => s.id === next && s.compensation);
  if (next === undefined || cursor < 0) {
    const { compensating: _finished, ...state } = draft.state;
    return finish({ ...draft, state: { ...state, failure: compensating.failure } }, 'failed', atMs);
  }
  const state = { ...draft.state, compensating: { ...compensating, remaining } };
  return startStep({ ...draft, state }, cursor, atMs);
}

/** When the failed attempt should be retried, the time the next one is due. */
function retryAtMsOf(step: StepState, error: StepError, atMs: number): number | undefined {
  const plan = step.retry;
  if (!plan || step.attempt >= plan.attempts) return undefined;
  const kind = error.code === 'STEP_TIMEOUT' ? 'timeout' : error.kind;
  if (!plan.on.includes(error.code) && !(kind !== undefined && plan.on.includes(kind))) {
    return undefined;
  }
  const growth = plan.backoff === 'exponential' ? 2 ** (step.attempt - 1) : 1;
  return atMs + Math.min(plan.delayMs * growth, plan.maxDelayMs);
}

/** The first transition of a new run: audit its start and run its first step. */
export function startRun(initial: RunState): Transition {
  const draft: Draft = { state: { ...initial, version: 1 }, commands: [], audit: [] };
  draft.audit.push({
    type: 'run.started',
    runId: initial.runId,
    actor: initial.requester,
    data: {
      runbook: initial.runbookId,
      inputs: initial.inputs,
      trigger: { source: initial.trigger.source, messageId: initial.trigger.messageId },
      steps: initial.steps.map((s) => `${s.phase}/${s.id}`),
    },
  });
  return advance(draft, 0, initial.startedAtMs);
}

/** Applies one event to a run. Events that no longer fit the state are refused, not thrown. */
export function applyEvent(state: RunState, event: EngineEvent): Transition {
  if (isFinished(state)) {
    return refuse(state, {
      code: 'RUN_FINISHED',
      message: `run ${state.runId} is ${state.status}`,
    });
  }
  const next = dispatch(state, event);
  if (next.refusal) return next;
  return { ...next, state: { ...next.state, version: state.version + 1 } };
}

function dispatch(state: RunState, event: EngineEvent): Transition {
  switch (event.type) {
    case 'abort_requested':
      return onAbort(state, event);
    case 'approval_decided':
      return onDecision(state, event);
    case 'deadline_reached':
      return onDeadline(state, event);
    case 'retry_due':
      return onRetryDue(state, event);
    case 'wait_over':
      return onWaitOver(state, event);
    default:
      return onStepResult(state, event);
  }
}

type StepResultEvent = Extract<
  EngineEvent,
  { type: 'step_succeeded' | 'step_skipped' | 'step_failed' | 'approval_needed' | 'step_waiting' }
>;

function onStepResult(state: RunState, event: StepResultEvent): Transition {
  const step = state.steps[state.cursor];
  if (
    !step ||
    step.id !== event.stepId ||
    step.status !== 'running' ||
    step.waitUntilMs !== undefined
  ) {
    return refuse(state, {
      code: 'STEP_NOT_IN_HAND',
      message: `step ${event.stepId} is not the running step of run ${state.runId}`,
    });
  }
  const draft: Draft = { state, commands: [], audit: [] };
  const base = { runId: state.runId, stepId: step.id };

  if (event.type === 'approval_needed') return requestApproval(draft, step, event);

  if (event.type === 'step_waiting') {
    const { untilMs, outputs } = event;
    const until = new Date(untilMs).toISOString();
    draft.audit.push({ ...base, type: 'step.waiting', data: { until, outputs } });
    draft.commands.push({ type: 'schedule_wait', stepId: step.id, atMs: untilMs });
    return { ...draft, state: replaceStep(state, { ...step, waitUntilMs: untilMs, outputs }) };
  }

  if (event.type === 'step_succeeded') {
    const done = { ...step, status: 'succeeded' as const, outputs: event.outputs };
    draft.audit.push({ ...base, type: 'step.finished', data: { outputs: event.outputs } });
    return advance(
      { ...draft, state: replaceStep(state, { ...done, finishedAtMs: event.atMs }) },
      state.cursor + 1,
      event.atMs,
    );
  }

  if (event.type === 'step_skipped') {
    const done = {
      ...step,
      status: 'skipped' as const,
      note: event.reason,
      finishedAtMs: event.atMs,
    };
    draft.audit.push({ ...base, type: 'step.skipped', data: { reason: event.reason } });
    return advance({ ...draft, state: replaceStep(state, done) }, state.cursor + 1, event.atMs);
  }

  const retryAtMs = retryAtMsOf(step, event.error, event.atMs);
  if (retryAtMs !== undefined) {
    const data = { error: event.error, attempt: step.attempt, retryAtMs };
    draft.audit.push({ ...base, type: 'step.failed', data });
    const attempt = step.attempt + 1;
    draft.commands.push({ type: 'schedule_retry', stepId: step.id, attempt, atMs: retryAtMs });
    return { ...draft, state: replaceStep(state, { ...step, error: event.error, retryAtMs }) };
  }

  const failed = {
    ...step,
    status: 'failed' as const,
    error: event.error,
    finishedAtMs: event.atMs,
  };
  draft.audit.push({ ...base, type: 'step.failed', data: { error: event.error } });
  const withFailure = replaceStep(state, failed);
  if (step.onFailure === 'continue' || state.compensating) {
    return advance({ ...draft, state: withFailure }, state.cursor + 1, event.atMs);
  }
  const failure = { stepId: step.id, code: event.error.code, message: event.error.message };
  if (step.compensate?.length) {
    const compensating = { failure, remaining: step.compensate };
    return nextCompensation({ ...draft, state: { ...withFailure, compensating } }, event.atMs);
  }
  return finish({ ...draft, state: { ...withFailure, failure } }, 'failed', event.atMs);
}

/**
 * The step in hand when the timer `dueAt` reads from it (a retry's, a wait's) is due at the
 * event's time. Decided by comparing times, as deadlines are: an early or repeated timer finds
 * nothing.
 */
function stepDue(
  state: RunState,
  event: { readonly stepId: string; readonly atMs: number },
  dueAt: (step: StepState) => number | undefined,
): StepState | undefined {
  const step = state.steps[state.cursor];
  const atMs = step?.id === event.stepId ? dueAt(step) : undefined;
  return atMs !== undefined && event.atMs >= atMs ? step : undefined;
}

function onRetryDue(
  state: RunState,
  event: Extract<EngineEvent, { type: 'retry_due' }>,
): Transition {
  const step = stepDue(state, event, (s) => s.retryAtMs);
  if (!step) {
    return refuse(state, {
      code: 'STEP_NOT_IN_HAND',
      message: `step ${event.stepId} of run ${state.runId} has no retry due`,
    });
  }
  const draft: Draft = { state, commands: [], audit: [] };
  return startStep(draft, state.cursor, event.atMs, step.attempt + 1);
}

function onWaitOver(
  state: RunState,
  event: Extract<EngineEvent, { type: 'wait_over' }>,
): Transition {
  const step = stepDue(state, event, (s) => s.waitUntilMs);
  if (!step) {
    return refuse(state, {
      code: 'STEP_NOT_IN_HAND',
      message: `step ${event.stepId} of run ${state.runId} is not waiting`,
    });
  }
  const { waitUntilMs: _over, ...rest } = step;
  const done = { ...rest, status: 'succeeded' as const, finishedAtMs: event.atMs };
  const draft: Draft = { state: replaceStep(state, done), commands: [], audit: [] };
  draft.audit.push({
    type: 'step.finished',
    runId: state.runId,
    stepId: step.id,
    data: { outputs: step.outputs },
  });
  return advance(draft, state.cursor + 1, event.atMs);
}

function requestApproval(
  draft: Draft,
  step: StepState,
  event: Extract<EngineEvent, { type: 'approval_needed' }>,
): Transition {
  const plan = step.approvalPlan ?? { roles: [], min: 1 };
  const deadlineAtMs = plan.deadlineMs === undefined ? undefined : event.atMs + plan.deadlineMs;
  const approval: ApprovalState = {
    // Each request of a step is told apart by its time (a durable driver's job ids use it),
    // so one asked again within the same millisecond is a millisecond later.
    requestedAtMs: Math.max(event.atMs, (step.approval?.requestedAtMs ?? -Infinity) + 1),
    deadlineAtMs,
    roles: plan.roles,
    min: plan.min,
    decisions: [],
    preview: event.preview,
  };
  // An approved step asks again when its plan no longer matches live state: the old approval
  // no longer counts, so `approved` goes back to false and the audit says it is a re-request.
  const waiting = { ...step, status: 'awaiting_approval' as const, approval, approved: false };
  const state = { ...replaceStep(draft.state, waiting), status: 'awaiting_approval' as const };
  const again = step.approved ? { rerequested: true } : {};
  draft.audit.push({
    type: 'approval.requested',
    runId: state.runId,
    stepId: step.id,
    data: { roles: plan.roles, min: plan.min, deadlineAtMs, preview: event.preview, ...again },
  });
  draft.commands.push({
    type: 'request_approval',
    stepId: step.id,
    deadlineAtMs,
    preview: event.preview,
  });
  if (deadlineAtMs !== undefined) {
    draft.commands.push({ type: 'schedule_deadline', stepId: step.id, atMs: deadlineAtMs });
  }
  return { ...draft, state };
}

function onDecision(
  state: RunState,
  event: Extract<EngineEvent, { type: 'approval_decided' }>,
): Transition {
  const step = findStep(state, event.stepId);
  const refusal = checkDecision(state, step, event);
  if (refusal || !step?.approval) {
    const r = refusal ?? { code: 'APPROVAL_NOT_PENDING' as const, message: 'no approval pending' };
    return refuse(state, r, {
      type: 'approval.refused',
      runId: state.runId,
      stepId: event.stepId,
      actor: event.by,
      data: { code: r.code, reason: r.message, decision: event.decision, origin: event.origin },
    });
  }
  const decision = {
    by: event.by,
    decision: event.decision,
    atMs: event.atMs,
    reason: event.reason,
  };
  const approval = { ...step.approval, decisions: [...step.approval.decisions, decision] };
  const draft: Draft = { state, commands: [], audit: [] };
  draft.audit.push({
    type: 'approval.decided',
    runId: state.runId,
    stepId: step.id,
    actor: event.by,
    data: {
      decision: event.decision,
      reason: event.reason,
      roles: event.roles,
      origin: event.origin,
    },
  });

  if (event.decision === 'deny') {
    const denied = { ...step, approval, status: 'denied' as const, finishedAtMs: event.atMs };
    const failure = { stepId: step.id, code: 'APPROVAL_DENIED', message: `denied by ${event.by}` };
    return finish(
      { ...draft, state: { ...replaceStep(state, denied), failure } },
      'denied',
      event.atMs,
    );
  }

  const approvers = new Set(
    approval.decisions.filter((d) => d.decision === 'approve').map((d) => d.by),
  );
  if (approvers.size < approval.min) {
    return { ...draft, state: replaceStep(state, { ...step, approval }) };
  }
  const resumed = { ...step, approval, approved: true, status: 'running' as const };
  draft.commands.push({ type: 'run_step', stepId: step.id, attempt: step.attempt, approved: true });
  return { ...draft, state: { ...replaceStep(state, resumed), status: 'running' } };
}

function checkDecision(
  state: RunState,
  step: StepState | undefined,
  event: Extract<EngineEvent, { type: 'approval_decided' }>,
): EventRefusal | undefined {
  const approval = step?.approval;
  if (!step || step.status !== 'awaiting_approval' || !approval) {
    return {
      code: 'APPROVAL_NOT_PENDING',
      message: `step ${event.stepId} of run ${state.runId} is not waiting for approval (${step?.status ?? 'unknown step'})`,
    };
  }
  if (approval.deadlineAtMs !== undefined && event.atMs > approval.deadlineAtMs) {
    return {
      code: 'APPROVAL_LATE',
      message: `the approval deadline for step ${step.id} has passed`,
    };
  }
  if (event.by === state.requester) {
    return {
      code: 'APPROVAL_SELF',
      message: `${event.by} requested run ${state.runId} and cannot approve it`,
    };
  }
  if (approval.decisions.some((d) => d.by === event.by)) {
    return {
      code: 'APPROVAL_DUPLICATE',
      message: `${event.by} has already decided on step ${step.id}`,
    };
  }
  if (approval.roles.length > 0 && !approval.roles.some((r) => event.roles.includes(r))) {
    return {
      code: 'APPROVAL_ROLE_MISSING',
      message: `${event.by} holds none of the roles that may approve step ${step.id}: ${approval.roles.join(', ')}`,
    };
  }
  return undefined;
}

function onDeadline(
  state: RunState,
  event: Extract<EngineEvent, { type: 'deadline_reached' }>,
): Transition {
  const step = findStep(state, event.stepId);
  const deadline = step?.approval?.deadlineAtMs;
  // Decided by comparing times, never by when the timer happened to fire.
  if (
    !step ||
    step.status !== 'awaiting_approval' ||
    deadline === undefined ||
    event.atMs < deadline
  ) {
    return refuse(state, { code: 'APPROVAL_NOT_PENDING', message: 'no approval deadline due' });
  }
  const draft: Draft = { state, commands: [], audit: [] };
  const plan = step.approvalPlan;
  if (plan?.onDeadline === 'escalate' && plan.escalateTo && !step.approval?.escalated) {
    return escalate(draft, step, plan.escalateTo, event.atMs + (plan.deadlineMs ?? 0));
  }
  draft.audit.push({
    type: 'approval.decided',
    runId: state.runId,
    stepId: step.id,
    actor: 'firebreak:deadline',
    data: { decision: 'deny', reason: 'approval deadline passed' },
  });
  const denied = { ...step, status: 'denied' as const, finishedAtMs: event.atMs };
  const failure = {
    stepId: step.id,
    code: 'APPROVAL_DEADLINE',
    message: 'approval deadline passed',
  };
  return finish(
    { ...draft, state: { ...replaceStep(state, denied), failure } },
    'denied',
    event.atMs,
  );
}

/** The deadline passed with `onDeadline: escalate`: ask the fallback role, once. */
function escalate(draft: Draft, step: StepState, role: string, deadlineAtMs: number): Transition {
  const previous = step.approval as ApprovalState;
  const approval = { ...previous, roles: [role], deadlineAtMs, escalated: true };
  const { preview, min } = approval;
  draft.audit.push({
    type: 'approval.requested',
    runId: draft.state.runId,
    stepId: step.id,
    actor: 'firebreak:deadline',
    data: { roles: [role], min, deadlineAtMs, preview, escalatedFrom: previous.roles },
  });
  draft.commands.push({ type: 'request_approval', stepId: step.id, deadlineAtMs, preview });
  draft.commands.push({ type: 'schedule_deadline', stepId: step.id, atMs: deadlineAtMs });
  return { ...draft, state: replaceStep(draft.state, { ...step, approval }) };
}

function onAbort(
  state: RunState,
  event: Extract<EngineEvent, { type: 'abort_requested' }>,
): Transition {
  const draft: Draft = { state, commands: [], audit: [] };
  draft.audit.push({
    type: 'run.abort_requested',
    runId: state.runId,
    actor: event.by,
    data: { reason: event.reason, origin: event.origin },
  });
  const abort = { by: event.by, reason: event.reason, atMs: event.atMs };
  // Steps that wait (an approval, a `wait`) end here; one in flight finishes, its result refused.
  const steps = state.steps.map((s) =>
    s.status === 'awaiting_approval' || s.waitUntilMs !== undefined
      ? { ...s, status: 'cancelled' as const, finishedAtMs: event.atMs }
      : s,
  );
  const failure = { code: 'RUN_ABORTED', message: `aborted by ${event.by}: ${event.reason}` };
  return finish({ ...draft, state: { ...state, steps, abort, failure } }, 'aborted', event.atMs);
}
