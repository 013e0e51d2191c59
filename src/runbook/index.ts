export {
  PHASES,
  INPUT_TYPES,
  RETRYABLE_KINDS,
  SEVERITY_LABELS,
  runbookSchema,
  toRunbookJsonSchema,
} from './schema.js';
export type {
  ApprovalRule,
  InputDefinition,
  InputType,
  Phase,
  RetryRule,
  RunbookDocument,
  StepDefinition,
  TriggerRule,
} from './schema.js';
export {
  parseRunbook,
  loadRunbookFile,
  parseYamlWithPositions,
  problemsFromIssues,
  describePath,
  SourceMap,
} from './load-runbook.js';
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
export { findReferences } from './find-references.js';
export type { ExpressionAnalysis, ExpressionReference } from './find-references.js';
export { resolveInputs, RunInputError, INPUT_PATTERNS } from './resolve-inputs.js';
export { RunbookCatalog, findRunbookFiles } from './runbook-catalog.js';
export type { CatalogEntry, RefusedRunbookFile } from './runbook-catalog.js';
export type { ActionCatalog, ActionInfo } from './action-catalog.js';
export { checkRunbook, placeSteps } from './check-runbook.js';
export type { CheckRunbookOptions, PlacedStep } from './check-runbook.js';
export {
  loadValidatedCatalog,
  validateRunbookFiles,
  validateRunbookText,
  hasErrors,
} from './validate-runbook.js';
export type { RunbookValidation, ValidateRunbookOptions } from './validate-runbook.js';
export { deriveIamPolicy, IAM_RESOURCE_PATTERNS } from './derive-iam-policy.js';
export type { IamPolicyDocument, IamStatement } from './derive-iam-policy.js';
export {
  GENERATED_SECTIONS,
  renderActionReference,
  renderFieldReference,
  replaceGeneratedSection,
} from './render-reference.js';
