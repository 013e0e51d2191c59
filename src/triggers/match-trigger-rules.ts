import { compileExpression, extractExpressions, resolveTemplates } from '../runbook/index.js';
import type { ExpressionScope, RunbookDocument, TriggerRule } from '../runbook/index.js';
import { parseDurationMs } from '../shared/index.js';
import type { Clock } from '../shared/index.js';
import { compileNamePattern } from './compile-name-pattern.js';
import type { NamePatternMatcher } from './compile-name-pattern.js';
import { TriggerRuleError } from './errors.js';
import type { AlarmEvent, FindingEvent, TriggerEvent } from './trigger-event.js';

/** A runbook whose trigger rule matched an event, with the inputs it maps to. */
export interface TriggerMatch {
  readonly runbookId: string;
  /** Index of the matching rule in the runbook's `triggers`. */
  readonly ruleIndex: number;
  readonly inputs: Record<string, unknown>;
  /** Groups messages about one incident: the rule's `incidentKey`, else {@link incidentKeyOf}. */
  readonly incidentKey: string;
  /** The rule's `dedupeWindow` in milliseconds, when it sets one. */
  readonly dedupeWindowMs?: number;
}

/** A rule that applies to an event, before its input mapping and incident key are resolved. */
export interface TriggerRuleHit {
  readonly runbookId: string;
  readonly ruleIndex: number;
  readonly rule: TriggerRule;
  /** The rule's `dedupeWindow` in milliseconds, when it sets one. */
  readonly dedupeWindowMs?: number;
}

/** Trigger rules compiled once; patterns are checked when the matcher is created. */
export interface TriggerMatcher {
  /** The first rule of each runbook that matches `event`, in runbook order. */
  findRules(event: TriggerEvent): TriggerRuleHit[];
  /**
   * For an alarm event, the first alarm rule of each runbook that matches it in everything
   * but the state, for runbooks that have no rule matching it outright. These are the runs an
   * alarm's later state changes (back to OK) are posted to.
   */
  findTrackingRules(event: TriggerEvent): TriggerRuleHit[];
}

type SeverityLabel = 'INFORMATIONAL' | 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';

interface CompiledRule {
  readonly hit: TriggerRuleHit;
  matches(event: TriggerEvent, ignoreState: boolean): boolean;
}

const ANY: NamePatternMatcher = () => true;

function optionalPattern(pattern: string | undefined): NamePatternMatcher {
  return pattern === undefined ? ANY : compileNamePattern(pattern);
}

/**
 * GuardDuty's bands (Low 1-3.9, Medium 4-6.9, High 7-8.9, Critical 9+) line up with Security
 * Hub's normalized ones divided by 10, so one table serves both when no label was sent.
 * @see https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_findings-severity.html
 */
export function severityLabelOf(event: FindingEvent): SeverityLabel | undefined {
  const label = event.severityLabel?.toUpperCase();
  if (label) return label as SeverityLabel;
  const severity = event.severity;
  if (severity === undefined) return undefined;
  if (severity === 0) return 'INFORMATIONAL';
  if (severity < 4) return 'LOW';
  if (severity < 7) return 'MEDIUM';
  return severity < 9 ? 'HIGH' : 'CRITICAL';
}

function compileFindingRule(rule: NonNullable<TriggerRule['finding']>) {
  const type = compileNamePattern(rule.type);
  const resourceType = optionalPattern(rule.resourceType);
  const product = optionalPattern(rule.product);
  const labels: readonly string[] | undefined = rule.severityLabel;
  return (event: FindingEvent): boolean => {
    if (!type(event.findingType)) return false;
    if (rule.source && rule.source !== event.source) return false;
    if (rule.resourceType && !resourceType(event.resourceType)) return false;
    if (rule.minSeverity !== undefined && (event.severity ?? -1) < rule.minSeverity) return false;
    if (labels && !labels.includes(severityLabelOf(event) ?? '')) return false;
    if (rule.product === undefined) return true;
    const productName = event.productName ?? (event.source === 'guardduty' ? 'GuardDuty' : '');
    return product(productName) || product(event.productArn);
  };
}

function compileAlarmRule(rule: NonNullable<TriggerRule['alarm']>) {
  const name = compileNamePattern(rule.name);
  const namespace = optionalPattern(rule.namespace);
  const metric = optionalPattern(rule.metric);
  return (event: AlarmEvent, ignoreState: boolean): boolean => {
    if (!ignoreState && rule.state !== event.newState) return false;
    if (!name(event.alarmName)) return false;
    if (rule.namespace && !namespace(event.namespace)) return false;
    if (rule.metric && !metric(event.metricName)) return false;
    return true;
  };
}

function compileRule(runbook: RunbookDocument, rule: TriggerRule, ruleIndex: number): CompiledRule {
  const dedupeWindowMs =
    rule.dedupeWindow === undefined ? undefined : parseDurationMs(rule.dedupeWindow);
  for (const expression of extractExpressions(rule.incidentKey ?? ''))
    compileExpression(expression);
  const hit = { runbookId: runbook.name, ruleIndex, rule, dedupeWindowMs };
  if (rule.finding) {
    const matchesFinding = compileFindingRule(rule.finding);
    return { hit, matches: (event) => event.kind === 'finding' && matchesFinding(event) };
  }
  if (rule.alarm) {
    const matchesAlarm = compileAlarmRule(rule.alarm);
    return {
      hit,
      matches: (event, ignore) => event.kind === 'alarm' && matchesAlarm(event, ignore),
    };
  }
  return { hit, matches: () => false };
}

function compileRunbook(runbook: RunbookDocument): CompiledRule[] {
  return runbook.triggers.map((rule, ruleIndex) => {
    try {
      return compileRule(runbook, rule, ruleIndex);
    } catch (error) {
      const code = error instanceof TriggerRuleError ? error.code : 'TRIGGER_RULE_INVALID';
      const why = error instanceof Error ? error.message : String(error);
      const message = `runbook "${runbook.name}" triggers[${ruleIndex}]: ${why}`;
      throw new TriggerRuleError(code, message, { runbookId: runbook.name, cause: error });
    }
  });
}

const compiledRunbooks = new WeakMap<RunbookDocument, CompiledRule[]>();

function compiledRulesOf(runbook: RunbookDocument): CompiledRule[] {
  let rules = compiledRunbooks.get(runbook);
  if (!rules) {
    rules = compileRunbook(runbook);
    compiledRunbooks.set(runbook, rules);
  }
  return rules;
}

/**
 * Compiles every trigger rule of `runbooks` once (patterns, windows, incident-key templates).
 * @throws TriggerRuleError naming the runbook and rule, for a refused pattern or a bad rule.
 */
export function createTriggerMatcher(runbooks: readonly RunbookDocument[]): TriggerMatcher {
  const perRunbook = runbooks.map(compiledRulesOf);
  const firstHits = (event: TriggerEvent, ignoreState: boolean) =>
    perRunbook.flatMap((rules) => {
      const found = rules.find((rule) => rule.matches(event, ignoreState));
      return found ? [found.hit] : [];
    });

  return {
    findRules: (event) => firstHits(event, false),
    findTrackingRules(event) {
      if (event.kind !== 'alarm') return [];
      const matched = new Set(firstHits(event, false).map((hit) => hit.runbookId));
      return firstHits(event, true).filter((hit) => !matched.has(hit.runbookId));
    },
  };
}

/**
 * Checks a runbook's trigger rules the way the SNS intake will compile them.
 * @throws TriggerRuleError for the first rule that cannot be used.
 */
export function checkTriggerRules(runbook: RunbookDocument): void {
  compiledRulesOf(runbook);
}

/** Whether one rule matches one event. Compiles the rule's patterns on every call. */
export function matchesRule(rule: TriggerRule, event: TriggerEvent): boolean {
  const runbook = { name: 'rule', triggers: [rule] } as unknown as RunbookDocument;
  return compileRule(runbook, rule, 0).matches(event, false);
}

/**
 * The default key under which repeated messages about one incident are grouped: for an alarm
 * its account, region and name (an alarm watches one resource, so this is alarm plus
 * resource); for a finding its id.
 */
export function incidentKeyOf(event: TriggerEvent): string {
  if (event.kind === 'finding') {
    const id = event.findingId ?? `${event.findingType}:${event.instanceIds.join(',')}`;
    return `finding:${event.source}:${id}`;
  }
  if (event.kind === 'alarm') {
    const region = event.region ?? event.regionName ?? '-';
    return `alarm:${event.accountId ?? '-'}:${region}:${event.alarmName}`;
  }
  return `${event.kind}`;
}

function triggerScope(runbookId: string, event: TriggerEvent): ExpressionScope {
  const run = { id: '', requester: 'sns', startedAt: '', runbook: runbookId };
  return { inputs: {}, steps: {}, trigger: event, run };
}

/**
 * The incident key of `event` under a rule: its `incidentKey` template (prefixed `key:`),
 * else {@link incidentKeyOf}.
 * @throws ExpressionError when the template fails; TriggerRuleError when it gives nothing.
 */
export async function resolveIncidentKey(
  hit: TriggerRuleHit,
  event: TriggerEvent,
  clock?: Pick<Clock, 'now'>,
): Promise<string> {
  const template = hit.rule.incidentKey;
  if (template === undefined) return incidentKeyOf(event);
  const value = await resolveTemplates(
    template,
    triggerScope(hit.runbookId, event),
    undefined,
    clock,
  );
  const key = typeof value === 'string' ? value : JSON.stringify(value ?? '');
  if (key === '' || key === '""') {
    const message = `runbook "${hit.runbookId}" triggers[${hit.ruleIndex}].incidentKey gave an empty key for this message`;
    throw new TriggerRuleError('TRIGGER_RULE_INVALID', message, { runbookId: hit.runbookId });
  }
  return `key:${key}`;
}

/**
 * Resolves a hit's input mapping and incident key. The event is bound as `trigger` data:
 * nothing in it is evaluated.
 * `$now()` reads `clock` when one is given (a tabletop exercise's), else the wall clock.
 * @throws ExpressionError when a template fails; TriggerRuleError for an empty incident key.
 */
export async function resolveTriggerMatch(
  hit: TriggerRuleHit,
  event: TriggerEvent,
  clock?: Pick<Clock, 'now'>,
): Promise<TriggerMatch> {
  const scope = triggerScope(hit.runbookId, event);
  const mapping = hit.rule.inputs ?? {};
  const inputs = (await resolveTemplates(mapping, scope, undefined, clock)) as Record<
    string,
    unknown
  >;
  const incidentKey = await resolveIncidentKey(hit, event, clock);
  const window = hit.dedupeWindowMs === undefined ? {} : { dedupeWindowMs: hit.dedupeWindowMs };
  return { runbookId: hit.runbookId, ruleIndex: hit.ruleIndex, inputs, incidentKey, ...window };
}

/**
 * Every runbook rule that matches `event`, with its input mapping resolved: one match per
 * runbook (its first matching rule). Compiled rules are cached per runbook object.
 * @throws TriggerRuleError for a refused pattern; ExpressionError when a template fails.
 */
export async function matchTriggerRules(
  runbooks: readonly RunbookDocument[],
  event: TriggerEvent,
  clock?: Pick<Clock, 'now'>,
): Promise<TriggerMatch[]> {
  const hits = createTriggerMatcher(runbooks).findRules(event);
  return Promise.all(hits.map((hit) => resolveTriggerMatch(hit, event, clock)));
}
