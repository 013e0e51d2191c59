import picomatch from 'picomatch';
import { resolveTemplates } from '../runbook/index.js';
import type { RunbookDocument, TriggerRule } from '../runbook/index.js';
import type { AlarmEvent, FindingEvent, TriggerEvent } from './trigger-event.js';

/** A runbook whose trigger rule matched an event, with the inputs it maps to. */
export interface TriggerMatch {
  readonly runbookId: string;
  /** Index of the matching rule in the runbook's `triggers`. */
  readonly ruleIndex: number;
  readonly inputs: Record<string, unknown>;
  /** Groups messages about one incident: finding id, or alarm name and account. */
  readonly incidentKey: string;
}

function matchesGlob(pattern: string, value: string | undefined): boolean {
  if (value === undefined) return false;
  if (pattern.length > 2 && pattern.startsWith('/') && pattern.endsWith('/')) {
    return new RegExp(pattern.slice(1, -1)).test(value);
  }
  // Finding types contain "/" and ":"; match them as plain strings, not paths.
  return picomatch.isMatch(value, pattern, { dot: true, contains: false, bash: true, noextglob: true });
}

function matchesFinding(rule: NonNullable<TriggerRule['finding']>, event: FindingEvent): boolean {
  if (!matchesGlob(rule.type, event.findingType)) return false;
  if (rule.source && rule.source !== event.source) return false;
  if (rule.resourceType && !matchesGlob(rule.resourceType, event.resourceType)) return false;
  if (rule.minSeverity !== undefined && (event.severity ?? -1) < rule.minSeverity) return false;
  return true;
}

function matchesAlarm(rule: NonNullable<TriggerRule['alarm']>, event: AlarmEvent): boolean {
  if (!matchesGlob(rule.name, event.alarmName)) return false;
  if (rule.state !== event.newState) return false;
  if (rule.namespace && rule.namespace !== event.namespace) return false;
  if (rule.metric && rule.metric !== event.metricName) return false;
  return true;
}

/** Whether one rule matches one event. */
export function matchesRule(rule: TriggerRule, event: TriggerEvent): boolean {
  if (rule.finding && event.kind === 'finding') return matchesFinding(rule.finding, event);
  if (rule.alarm && event.kind === 'alarm') return matchesAlarm(rule.alarm, event);
  return false;
}

/** The key under which repeated messages about one incident are grouped. */
export function incidentKeyOf(event: TriggerEvent): string {
  if (event.kind === 'finding') {
    const id = event.findingId ?? `${event.findingType}:${event.instanceIds.join(',')}`;
    return `finding:${event.source}:${id}`;
  }
  if (event.kind === 'alarm') return `alarm:${event.accountId ?? '-'}:${event.alarmName}`;
  return `${event.kind}`;
}

/**
 * Every runbook rule that matches `event`, with its input mapping resolved. The event is bound
 * as `trigger` data: nothing in it is evaluated. One match per runbook (its first rule).
 */
export async function matchTriggerRules(
  runbooks: readonly RunbookDocument[],
  event: TriggerEvent,
): Promise<TriggerMatch[]> {
  const matches: TriggerMatch[] = [];
  for (const runbook of runbooks) {
    const ruleIndex = runbook.triggers.findIndex((rule) => matchesRule(rule, event));
    const rule = runbook.triggers[ruleIndex];
    if (!rule) continue;
    const scope = { inputs: {}, steps: {}, trigger: event, run: { id: '', requester: 'sns', startedAt: '', runbook: runbook.name } };
    const inputs = (await resolveTemplates(rule.inputs ?? {}, scope)) as Record<string, unknown>;
    matches.push({ runbookId: runbook.name, ruleIndex, inputs, incidentKey: incidentKeyOf(event) });
  }
  return matches;
}
