import type { ActionCatalog, ActionInfo } from './action-catalog.js';
import { checkExpressions, conditionSites, sitesIn } from './check-expressions.js';
import type { ExpressionScopeRules } from './check-expressions.js';
import { checkTriggers } from './check-triggers.js';
import { closestMatch } from './closest-match.js';
import type { RunbookProblem } from './errors.js';
import { hasTemplate } from './expressions.js';
import { findReferences } from './find-references.js';
import type { SourceMap } from './load-runbook.js';
import { INPUT_PATTERNS } from './resolve-inputs.js';
import { PHASES } from './schema.js';
import type { RunbookDocument, StepDefinition } from './schema.js';

type PathPart = string | number;

/** What semantic checks compare a runbook against. */
export interface CheckRunbookOptions {
  readonly actions: ActionCatalog;
  /** Role names from the role map; role checks are skipped when undefined. */
  readonly roles?: readonly string[];
  /** Where the roles came from, for messages; default `the role map`. */
  readonly rolesSource?: string;
}

/** A step with where it sits in the file and in run order. */
export interface PlacedStep {
  readonly step: StepDefinition;
  readonly path: readonly PathPart[];
  readonly phase: string;
  readonly index: number;
}

/** Every step in run order, compensation steps last. */
export function placeSteps(runbook: RunbookDocument): PlacedStep[] {
  const placed: PlacedStep[] = [];
  for (const phase of PHASES) {
    runbook.phases[phase].forEach((step, i) => {
      placed.push({ step, path: ['phases', phase, i], phase, index: placed.length });
    });
  }
  runbook.compensation.forEach((step, i) => {
    const path = ['compensation', i];
    placed.push({ step, path, phase: 'compensation', index: placed.length });
  });
  return placed;
}

/**
 * The semantic checks that the schema cannot make: actions and their arguments, step ids and
 * references, inputs, roles, triggers, plus warnings about risky shapes. Pure.
 */
export function checkRunbook(
  runbook: RunbookDocument,
  source: SourceMap,
  options: CheckRunbookOptions,
): RunbookProblem[] {
  const steps = placeSteps(runbook);
  const problems: RunbookProblem[] = [
    ...checkInputDefaults(runbook, source),
    ...checkDuplicateIds(steps, source),
    ...steps.flatMap((placed) => checkStep(placed, runbook, steps, source, options)),
    ...checkRoles(runbook, source, options),
    ...checkTriggers(runbook, source),
    ...checkLock(runbook, source, steps),
    ...checkCounterparts(steps, source, options.actions),
  ];
  return problems.sort((a, b) => a.line - b.line || a.column - b.column);
}

function error(source: SourceMap, path: readonly PathPart[], message: string, key = false) {
  return { ...source.positionOf(path, key), severity: 'error' as const, message };
}

function warning(source: SourceMap, path: readonly PathPart[], message: string, key = false) {
  return { ...source.positionOf(path, key), severity: 'warning' as const, message };
}

function stepOrderOf(steps: readonly PlacedStep[]) {
  const order = new Map<string, { index: number; phase: string }>();
  for (const { step, index, phase } of steps) {
    if (!order.has(step.id)) order.set(step.id, { index, phase });
  }
  return order;
}

function checkInputDefaults(runbook: RunbookDocument, source: SourceMap): RunbookProblem[] {
  const problems: RunbookProblem[] = [];
  for (const [name, input] of Object.entries(runbook.inputs)) {
    if (input.default === undefined) continue;
    const path = ['inputs', name, 'default'];
    const value = input.default;
    const pattern = INPUT_PATTERNS[input.type];
    const text = typeof value === 'string' ? value : undefined;
    let wrong = false;
    if (input.type === 'number') wrong = typeof value !== 'number';
    else if (input.type === 'boolean') wrong = typeof value !== 'boolean';
    else if (input.type === 'list') wrong = !Array.isArray(value);
    else if (text === undefined) wrong = true;
    else if (pattern) wrong = !pattern.test(text);
    else if (input.type === 'enum') wrong = !(input.values ?? []).includes(text);
    if (wrong) {
      const message = `default of input "${name}" is not a valid ${input.type}: ${JSON.stringify(value)}`;
      problems.push(error(source, path, message));
    }
  }
  return problems;
}

function checkDuplicateIds(steps: readonly PlacedStep[], source: SourceMap): RunbookProblem[] {
  const seen = new Map<string, PlacedStep>();
  const problems: RunbookProblem[] = [];
  for (const placed of steps) {
    const first = seen.get(placed.step.id);
    if (!first) {
      seen.set(placed.step.id, placed);
      continue;
    }
    const firstLine = source.positionOf([...first.path, 'id']).line;
    const message = `duplicate step id "${placed.step.id}" (first used on line ${firstLine})`;
    problems.push(error(source, [...placed.path, 'id'], message));
  }
  return problems;
}

function checkStep(
  placed: PlacedStep,
  runbook: RunbookDocument,
  steps: readonly PlacedStep[],
  source: SourceMap,
  options: CheckRunbookOptions,
): RunbookProblem[] {
  const { step, path } = placed;
  const action = options.actions.find(step.action);
  const problems: RunbookProblem[] = [];
  if (!action) {
    const hint = closestMatch(
      step.action,
      options.actions.list().map((a) => a.id),
    );
    const suggestion = hint ? ` (did you mean "${hint}"?)` : '';
    problems.push(
      error(source, [...path, 'action'], `unknown action "${step.action}"${suggestion}`),
    );
  } else {
    problems.push(...checkArguments(action, step, path, source));
  }
  problems.push(...checkStepExpressions(placed, runbook, steps, source));
  problems.push(...checkCompensate(placed, runbook, source));
  problems.push(...approvalWarnings(placed, steps, action, source));
  return problems;
}

function argumentNames(action: ActionInfo): string[] {
  const shape = (action.input as { shape?: Record<string, unknown> }).shape;
  return shape ? Object.keys(shape) : [];
}

function checkArguments(
  action: ActionInfo,
  step: StepDefinition,
  path: readonly PathPart[],
  source: SourceMap,
): RunbookProblem[] {
  const args = step.with ?? {};
  const result = action.input.safeParse(args, { reportInput: true });
  if (result.success) return [];
  const problems: RunbookProblem[] = [];
  const names = argumentNames(action);
  for (const issue of result.error.issues) {
    const issuePath = issue.path.filter((p): p is PathPart => typeof p !== 'symbol');
    const [key] = issuePath;
    if (issue.code === 'unrecognized_keys') {
      for (const unknown of issue.keys) {
        const hint = closestMatch(unknown, names);
        const suggestion = hint ? ` (did you mean "${hint}"?)` : '';
        const message = `unknown argument "${unknown}" for ${action.id}${suggestion}; arguments: ${names.join(', ')}`;
        problems.push(error(source, [...path, 'with', ...issuePath, unknown], message, true));
      }
      continue;
    }
    if (typeof key === 'string' && hasTemplate(args[key])) continue;
    const raw = typeof key === 'string' ? args[key] : undefined;
    if (typeof raw === 'string' && raw.includes('${{')) {
      // Not a template because it never closes: say that, not what a literal would need.
      const message = `argument "${String(key)}" of ${action.id}: "\${{" is not closed with "}}"`;
      problems.push(error(source, [...path, 'with', key as PathPart], message));
      continue;
    }
    if (issue.code === 'invalid_type' && issue.input === undefined && issuePath.length === 1) {
      const message = `missing argument "${String(key)}" for ${action.id} (expected ${issue.expected})`;
      problems.push(error(source, [...path, step.with ? 'with' : 'action'], message, true));
      continue;
    }
    const where = issuePath.length > 0 ? `argument "${issuePath.join('.')}"` : 'arguments';
    const message = `${where} of ${action.id}: ${issue.message}`;
    problems.push(error(source, [...path, 'with', ...issuePath], message));
  }
  return problems;
}

function checkStepExpressions(
  placed: PlacedStep,
  runbook: RunbookDocument,
  steps: readonly PlacedStep[],
  source: SourceMap,
): RunbookProblem[] {
  const { step, path, index, phase } = placed;
  const base = ['inputs', 'trigger', 'steps', 'run'];
  const perItem = step.forEach !== undefined ? ['item', 'index'] : [];
  const rules = (extra: string[]): ExpressionScopeRules => ({
    roots: [...base, ...extra],
    inputs: new Set(Object.keys(runbook.inputs)),
    stepOrder: stepOrderOf(steps),
    // Compensation steps run after a failure: every phase step is behind them.
    currentIndex: phase === 'compensation' ? undefined : index,
  });
  const conditionPath = [...path, 'if'];
  return [
    ...checkExpressions(sitesIn([...path, 'with'], step.with ?? {}), rules(perItem), source),
    ...(step.if === undefined
      ? []
      : checkExpressions(conditionSites(conditionPath, step.if), rules([]), source)),
    ...checkExpressions(sitesIn([...path, 'forEach'], step.forEach ?? ''), rules([]), source),
    ...checkExpressions(
      sitesIn([...path, 'outputs'], step.outputs ?? {}),
      rules([...perItem, 'result']),
      source,
    ),
  ];
}

function checkCompensate(
  placed: PlacedStep,
  runbook: RunbookDocument,
  source: SourceMap,
): RunbookProblem[] {
  const { onFailure } = placed.step;
  if (typeof onFailure === 'string') return [];
  const known = runbook.compensation.map((s) => s.id);
  return onFailure.compensate.flatMap((id, i) => {
    if (known.includes(id)) return [];
    const hint = closestMatch(id, known);
    const suggestion = hint ? ` (did you mean "${hint}"?)` : '';
    const list = known.join(', ') || 'none';
    const message = `unknown compensation step "${id}"${suggestion}; steps under compensation: ${list}`;
    return [error(source, [...placed.path, 'onFailure', 'compensate', i], message)];
  });
}

function isDestructive(action: ActionInfo | undefined): boolean {
  return action?.destructive ?? action?.mutating ?? false;
}

function approvalWarnings(
  placed: PlacedStep,
  steps: readonly PlacedStep[],
  action: ActionInfo | undefined,
  source: SourceMap,
): RunbookProblem[] {
  const { step, path } = placed;
  const previous = steps[placed.index - 1];
  const gated = previous?.phase === placed.phase && previous.step.action === 'approval';
  if (isDestructive(action) && step.approval === undefined && !gated) {
    const message = `step "${step.id}" runs ${step.action}, which changes resources, without an approval; add approval: { roles: [...], deadline: 15m }`;
    return [warning(source, [...path, 'action'], message)];
  }
  const isGate = step.approval !== undefined || step.action === 'approval';
  if (isGate && step.approval?.deadline === undefined) {
    const at = step.approval ? [...path, 'approval'] : [...path, 'action'];
    const message = `approval of step "${step.id}" has no deadline, so the run may wait for ever; add deadline: 15m`;
    return [warning(source, at, message, step.approval !== undefined)];
  }
  return [];
}

function checkRoles(
  runbook: RunbookDocument,
  source: SourceMap,
  options: CheckRunbookOptions,
): RunbookProblem[] {
  const known = options.roles;
  if (known === undefined) return [];
  const uses: { role: string; path: PathPart[] }[] = [];
  const permissions = runbook.permissions ?? {};
  (permissions.run ?? []).forEach((role, i) =>
    uses.push({ role, path: ['permissions', 'run', i] }),
  );
  (permissions.approve ?? []).forEach((role, i) => {
    uses.push({ role, path: ['permissions', 'approve', i] });
  });
  for (const { step, path } of placeSteps(runbook)) {
    const approval = step.approval;
    approval?.roles?.forEach((role, i) =>
      uses.push({ role, path: [...path, 'approval', 'roles', i] }),
    );
    if (approval?.escalateTo) {
      uses.push({ role: approval.escalateTo, path: [...path, 'approval', 'escalateTo'] });
    }
  }
  const from = options.rolesSource ?? 'the role map';
  return uses
    .filter(({ role }) => !known.includes(role))
    .map(({ role, path }) => {
      const hint = closestMatch(role, known);
      const suggestion = hint ? ` (did you mean "${hint}"?)` : '';
      return error(
        source,
        path,
        `unknown role "${role}"${suggestion}; roles in ${from}: ${known.join(', ')}`,
      );
    });
}

function checkLock(
  runbook: RunbookDocument,
  source: SourceMap,
  steps: readonly PlacedStep[],
): RunbookProblem[] {
  if (runbook.lock === undefined) return [];
  const rules: ExpressionScopeRules = {
    roots: ['inputs', 'trigger', 'run'],
    inputs: new Set(Object.keys(runbook.inputs)),
    stepOrder: stepOrderOf(steps),
  };
  return checkExpressions(sitesIn(['lock'], runbook.lock), rules, source);
}

/** Steps whose expressions read `steps.<id>`, by id. */
function readersOf(steps: readonly PlacedStep[]): Map<string, PlacedStep[]> {
  const readers = new Map<string, PlacedStep[]>();
  for (const placed of steps) {
    const { step, path } = placed;
    const sites = [...sitesIn(path, step.with ?? {}), ...sitesIn(path, step.outputs ?? {})];
    if (step.if !== undefined) sites.push(...conditionSites(path, step.if));
    for (const site of sites) {
      for (const reference of findReferences(site.expression).references) {
        if (reference.root !== 'steps' || reference.path[0] === undefined) continue;
        const id = reference.minusFollowedBy
          ? `${reference.path[0]}-${reference.minusFollowedBy}`
          : reference.path[0];
        readers.set(id, [...(readers.get(id) ?? []), placed]);
      }
    }
  }
  return readers;
}

/** A contain step that changes resources should have a recover step that reads its outputs. */
function checkCounterparts(
  steps: readonly PlacedStep[],
  source: SourceMap,
  actions: ActionCatalog,
): RunbookProblem[] {
  const readers = readersOf(steps);
  return steps
    .filter(({ step, phase }) => phase === 'contain' && isDestructive(actions.find(step.action)))
    .filter(({ step }) => !(readers.get(step.id) ?? []).some((r) => r.phase === 'recover'))
    .map(({ step, path }) => {
      const message = `contain step "${step.id}" has no recover counterpart: no recover step reads steps.${step.id} to undo it`;
      return warning(source, [...path, 'id'], message);
    });
}
