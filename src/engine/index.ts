export { abortRefusal } from './abort-permission.js';
export { startRun, applyEvent } from './transitions.js';
export { createRunState } from './create-run.js';
export type { RunRequest } from './create-run.js';
export { runStep, scopeOf } from './step-runner.js';
export { resolveRunLock } from './run-lock.js';
export { readPreviewPlan } from './step-plan.js';
export type { StepRunnerDeps } from './step-runner.js';
export { classifyError, deniedIamAction } from './classify-error.js';
export type { FailedAwsCall } from './classify-error.js';
export { FINISHED_RUN_STATUSES, isFinished, findStep } from './run-state.js';
export type {
  ApprovalDecision,
  ApprovalPlan,
  ApprovalState,
  RunState,
  RunStatus,
  RunTrigger,
  StepError,
  StepState,
  StepStatus,
} from './run-state.js';
export type { EngineCommand, EngineEvent, EventRefusal, Transition } from './events.js';
export { toAbortEvent, toDecisionEvent } from './run-driver.js';
export type { ControlOutcome, DecisionRequest, RunDriver, RunListener } from './run-driver.js';
