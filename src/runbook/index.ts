export { PHASES, INPUT_TYPES, runbookSchema } from './schema.js';
export type {
  ApprovalRule,
  InputDefinition,
  InputType,
  Phase,
  RunbookDocument,
  StepDefinition,
  TriggerRule,
} from './schema.js';
export { parseRunbook, loadRunbookFile, parseYamlWithPositions, problemsFromIssues, describePath, SourceMap } from './load-runbook.js';
export type { LoadedRunbook } from './load-runbook.js';
export { RunbookInvalidError, ExpressionError, formatProblem } from './errors.js';
export type { RunbookProblem, SourcePosition } from './errors.js';
export {
  compileExpression,
  evaluateCondition,
  extractExpressions,
  hasTemplate,
  resolveTemplates,
} from './expressions.js';
export type { ExpressionScope } from './expressions.js';
export { resolveInputs, RunInputError, INPUT_PATTERNS } from './resolve-inputs.js';
export { RunbookCatalog, findRunbookFiles } from './runbook-catalog.js';
