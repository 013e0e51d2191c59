export { planRunbook } from './plan-runbook.js';
export type {
  PlannedStep,
  PlannedStepStatus,
  PlanRunbookOptions,
  RunbookPlan,
} from './plan-runbook.js';
export { formatPlan } from './format-plan.js';
export {
  createUndoRequest,
  findReversedSteps,
  findUndoInFlight,
  requireRunbookOf,
  toUndoRunbookName,
} from './create-undo-request.js';
export type { CreateUndoRequestOptions, UndoRequest } from './create-undo-request.js';
export { UndoError } from './errors.js';
export type { UndoErrorCode } from './errors.js';
