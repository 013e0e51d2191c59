import { checkExpressions, sitesIn } from './check-expressions.js';
import { closestMatch } from './closest-match.js';
import type { RunbookProblem } from './errors.js';
import type { SourceMap } from './load-runbook.js';
import type { RunbookDocument, TriggerRule } from './schema.js';

type PathPart = string | number;

function problem(source: SourceMap, path: readonly PathPart[], message: string, key = false) {
  return { ...source.positionOf(path, key), severity: 'error' as const, message };
}

function checkPattern(pattern: string, path: readonly PathPart[], source: SourceMap) {
  if (!(pattern.length > 2 && pattern.startsWith('/') && pattern.endsWith('/'))) return [];
  try {
    new RegExp(pattern.slice(1, -1));
    return [];
  } catch (error) {
    return [
      problem(source, path, `invalid regular expression ${pattern}: ${(error as Error).message}`),
    ];
  }
}

function checkMapping(
  runbook: RunbookDocument,
  trigger: TriggerRule,
  path: readonly PathPart[],
  source: SourceMap,
): RunbookProblem[] {
  const declared = Object.keys(runbook.inputs);
  const mapped = Object.keys(trigger.inputs ?? {});
  const hinted = new Set<string>();
  const problems = mapped
    .filter((name) => !declared.includes(name))
    .map((name) => {
      const hint = closestMatch(name, declared);
      if (hint) hinted.add(hint);
      const suggestion = hint ? ` (did you mean "${hint}"?)` : '';
      const message = `trigger maps to unknown input "${name}"${suggestion}; inputs: ${declared.join(', ') || 'none'}`;
      return problem(source, [...path, 'inputs', name], message, true);
    });
  if (trigger.command !== undefined) return problems;
  const kind = trigger.finding ? 'finding' : 'alarm';
  for (const [name, input] of Object.entries(runbook.inputs)) {
    const needed = input.required !== false && input.default === undefined;
    if (!needed || mapped.includes(name) || hinted.has(name)) continue;
    const message = `${kind} trigger does not set required input "${name}"; map it under inputs`;
    problems.push(problem(source, [...path, kind], message, true));
  }
  return problems;
}

/** Trigger rules: patterns, input mappings and their expressions, duplicate command aliases. */
export function checkTriggers(runbook: RunbookDocument, source: SourceMap): RunbookProblem[] {
  const problems: RunbookProblem[] = [];
  const commands = new Map<string, number>();
  const rules = {
    roots: ['trigger', 'run'],
    inputs: new Set(Object.keys(runbook.inputs)),
    stepOrder: new Map(),
  };
  runbook.triggers.forEach((trigger, i) => {
    const path = ['triggers', i];
    problems.push(...checkMapping(runbook, trigger, path, source));
    const sites = [
      ...sitesIn([...path, 'inputs'], trigger.inputs ?? {}),
      ...sitesIn([...path, 'incidentKey'], trigger.incidentKey ?? ''),
    ];
    problems.push(...checkExpressions(sites, rules, source));
    if (trigger.finding) {
      problems.push(...checkPattern(trigger.finding.type, [...path, 'finding', 'type'], source));
    }
    if (trigger.alarm) {
      problems.push(...checkPattern(trigger.alarm.name, [...path, 'alarm', 'name'], source));
    }
    if (trigger.command === undefined) return;
    const first = commands.get(trigger.command);
    if (first !== undefined) {
      const message = `command "${trigger.command}" is already a trigger (triggers[${first}])`;
      problems.push(problem(source, [...path, 'command'], message));
    }
    commands.set(trigger.command, i);
  });
  return problems;
}
