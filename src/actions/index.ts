export { ActionRegistry } from './registry.js';
export { coreActions } from './core/index.js';
export { formatChange, hashCanonical, toCanonicalJson, toHashedPlan } from './plan-hash.js';
export type { HashedPlan } from './plan-hash.js';
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
