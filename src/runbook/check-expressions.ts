import { FORBIDDEN_FUNCTIONS, JSONATA_FUNCTIONS } from './check-functions.js';
import type { RunbookProblem } from './errors.js';
import { findReferences } from './find-references.js';
import type { ExpressionReference } from './find-references.js';
import type { SourceMap } from './load-runbook.js';
import { closestMatch } from './closest-match.js';

type PathPart = string | number;

const TEMPLATE_PATTERN = /\$\{\{([\s\S]*?)\}\}/g;
const WHOLE_TEMPLATE_PATTERN = /^\s*\$\{\{([\s\S]*?)\}\}\s*$/;

/** Fields a `steps.<id>` reference may read. */
const STEP_FIELDS = ['outputs', 'status'];

/** What the expressions at one place in a runbook may read. */
export interface ExpressionScopeRules {
  /** Names an expression may start with (`inputs`, `steps`, ...). */
  readonly roots: readonly string[];
  readonly inputs: ReadonlySet<string>;
  /** Every step id with its position in run order. */
  readonly stepOrder: ReadonlyMap<string, { index: number; phase: string }>;
  /** Position in run order of the step being checked; steps at or after it are not yet run. */
  readonly currentIndex?: number;
}

/** One `${{ }}` template (or a bare condition) found in a runbook value. */
interface Site {
  readonly path: readonly PathPart[];
  /** The text to search for in the node's source. */
  readonly needle: string;
  /** Where the expression starts within `needle`. */
  readonly shift: number;
  readonly expression: string;
}

function templateSites(path: readonly PathPart[], text: string): Site[] {
  return [...text.matchAll(TEMPLATE_PATTERN)].map((match) => {
    const inner = match[1] ?? '';
    const expression = inner.trim();
    const shift = 3 + inner.indexOf(expression);
    return { path, needle: match[0], shift, expression };
  });
}

/** Every template inside a value (strings in nested maps and lists), with its path. */
export function sitesIn(path: readonly PathPart[], value: unknown): Site[] {
  if (typeof value === 'string') return templateSites(path, value);
  if (Array.isArray(value)) return value.flatMap((item, i) => sitesIn([...path, i], item));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => sitesIn([...path, key], item));
  }
  return [];
}

/** The expression of a condition: one whole template, or bare JSONata. */
export function conditionSites(path: readonly PathPart[], text: string): Site[] {
  if (WHOLE_TEMPLATE_PATTERN.test(text)) return templateSites(path, text);
  const expression = text.trim();
  return [{ path, needle: expression, shift: 0, expression }];
}

/** Checks the syntax of each expression and every name it reads. */
export function checkExpressions(
  sites: readonly Site[],
  rules: ExpressionScopeRules,
  source: SourceMap,
): RunbookProblem[] {
  const problems: RunbookProblem[] = [];
  for (const site of sites) {
    const at = (offset: number) => source.positionIn(site.path, site.needle, site.shift + offset);
    const analysis = findReferences(site.expression);
    if (analysis.syntaxError) {
      const { message, offset } = analysis.syntaxError;
      const text = `expression syntax error in "${site.expression}": ${message}`;
      problems.push({ ...at(offset), severity: 'error', message: text });
      continue;
    }
    for (const call of analysis.unknownFunctions) {
      problems.push({ ...at(call.offset), severity: 'error', message: describeCall(call.name) });
    }
    let skipRoot: string | undefined;
    for (const reference of analysis.references) {
      if (skipRoot !== undefined && reference.root === skipRoot) {
        skipRoot = undefined;
        continue;
      }
      const message = checkReference(reference, rules);
      if (message) problems.push({ ...at(reference.offset), severity: 'error', message });
      if (reference.minusFollowedBy !== undefined) skipRoot = reference.minusFollowedBy;
    }
  }
  return problems;
}

function checkReference(reference: ExpressionReference, rules: ExpressionScopeRules) {
  const { root, path } = reference;
  if (!rules.roots.includes(root)) {
    const hint = closestMatch(root, rules.roots);
    const suggestion = hint ? ` (did you mean "${hint}"?)` : '';
    return `unknown name "${root}" in expression${suggestion}; here expressions see ${rules.roots.join(', ')}`;
  }
  if (root === 'inputs' && path[0] !== undefined) return checkInput(path[0], rules);
  if (root === 'steps' && path[0] !== undefined) return checkStep(reference, rules);
  return undefined;
}

function checkInput(name: string, rules: ExpressionScopeRules): string | undefined {
  if (rules.inputs.has(name)) return undefined;
  const known = [...rules.inputs];
  const hint = closestMatch(name, known);
  const suggestion = hint ? ` (did you mean "${hint}"?)` : '';
  return `unknown input "${name}"${suggestion}; inputs: ${known.join(', ') || 'none'}`;
}

function checkStep(reference: ExpressionReference, rules: ExpressionScopeRules) {
  const [id = '', field] = reference.path;
  const joined = `${id}-${reference.minusFollowedBy ?? ''}`;
  if (reference.minusFollowedBy !== undefined && rules.stepOrder.has(joined)) {
    return `step ids with "-" need backquotes in expressions: write steps.\`${joined}\``;
  }
  const target = rules.stepOrder.get(id);
  if (!target) {
    const hint = closestMatch(id, [...rules.stepOrder.keys()]);
    return `unknown step "${id}"${hint ? ` (did you mean "${hint}"?)` : ''}`;
  }
  if (rules.currentIndex !== undefined && target.index === rules.currentIndex) {
    return `step "${id}" reads its own outputs; a step sees only the steps before it`;
  }
  if (rules.currentIndex !== undefined && target.index > rules.currentIndex) {
    return `step "${id}" runs later (${target.phase}), so its outputs are not there yet`;
  }
  if (field !== undefined && !STEP_FIELDS.includes(field)) {
    return `steps.${id} has no field "${field}"; did you mean steps.${id}.outputs.${field}?`;
  }
  return undefined;
}

function describeCall(name: string): string {
  const forbidden = FORBIDDEN_FUNCTIONS[name];
  if (forbidden) return `$${name} may not be used in runbook expressions: ${forbidden}`;
  const hint = closestMatch(name, [...JSONATA_FUNCTIONS]);
  const suggestion = hint ? ` (did you mean "$${hint}"?)` : '';
  return `unknown function "$${name}"${suggestion}; see https://docs.jsonata.org/ for the functions expressions may call`;
}
