import { FirebreakError } from '../shared/index.js';

/** Where in a runbook file a problem sits (1-based). */
export interface SourcePosition {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** One problem found in a runbook: an error refuses the file, a warning does not. */
export interface RunbookProblem extends SourcePosition {
  readonly severity: 'error' | 'warning';
  readonly message: string;
}

/** Formats a problem as `file:line:column: message` (warnings say so). */
export function formatProblem(problem: RunbookProblem): string {
  const prefix = problem.severity === 'warning' ? 'warning: ' : '';
  return `${problem.file}:${problem.line}:${problem.column}: ${prefix}${problem.message}`;
}

/** A runbook that cannot be loaded; `problems` lists every error found, in file order. */
export class RunbookInvalidError extends FirebreakError {
  readonly problems: readonly RunbookProblem[];

  constructor(problems: readonly RunbookProblem[]) {
    super('RUNBOOK_INVALID', problems.map(formatProblem).join('\n'));
    this.problems = problems;
  }
}

/** An expression that failed to compile or to evaluate. */
export class ExpressionError extends FirebreakError {
  readonly expression: string;

  constructor(
    expression: string,
    reason: string,
    options: { stepId?: string; cause?: unknown } = {},
  ) {
    const where = options.stepId ? ` in step "${options.stepId}"` : '';
    super('EXPRESSION_FAILED', `expression "${expression}"${where} failed: ${reason}`, options);
    this.expression = expression;
  }
}
