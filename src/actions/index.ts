export { ActionRegistry } from './registry.js';
export { coreActions } from './core/index.js';
export type {
  ActionContext,
  ActionDefinition,
  AnyActionDefinition,
  Idempotency,
  NoteSink,
  PlanContext,
  PlannedChange,
  UndoDefinition,
} from './types.js';
