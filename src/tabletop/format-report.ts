import type { AuditRecord } from '../audit/index.js';
import { formatOffsetMs } from '../shared/index.js';
import type { ExerciseReport } from './run-exercise.js';

function describeRecord(record: AuditRecord): string {
  const data = (record.data ?? {}) as Record<string, unknown>;
  const step = record.stepId ? `${record.stepId} ` : '';
  switch (record.type) {
    case 'trigger.received':
      return `${String(data['summary'])} (SNS ${String(data['messageId'])})`;
    case 'trigger.matched':
      return `runbook ${String(data['runbook'])} matches, incident ${String(data['incidentKey'])}`;
    case 'trigger.refused': {
      const runbook = data['runbook'] === undefined ? '' : ` runbook ${String(data['runbook'])}`;
      const reason = data['reason'] === undefined ? '' : `: ${String(data['reason'])}`;
      return `${String(data['code'])}${runbook}${reason} (SNS ${String(data['messageId'])})`;
    }
    case 'run.started':
      return `${record.runId} ${String(data['runbook'])} requested by ${record.actor ?? '?'}`;
    case 'run.finished':
      return `${record.runId} ${String(data['status'])}${data['failure'] ? `: ${JSON.stringify(data['failure'])}` : ''}`;
    case 'step.started':
      return `${step}(${String(data['phase'])}) ${String(data['action'])}`;
    case 'step.finished':
      return `${step}done`;
    case 'step.skipped':
      return `${step}skipped: ${String(data['reason'])}`;
    case 'step.waiting':
      return `${step}waits until ${String(data['until'])}`;
    case 'step.failed':
      return `${step}failed: ${JSON.stringify(data['error'])}`;
    case 'aws.call':
      return `${step}${String(data['service'])} ${String(data['operation'])}${data['errorCode'] ? ` -> ${String(data['errorCode'])}` : ''}`;
    case 'approval.requested':
      return `${step}waits for ${String(data['min'])} approval(s) from ${JSON.stringify(data['roles'])}`;
    case 'approval.decided':
      return `${step}${String(data['decision'])} by ${record.actor ?? '?'}${data['reason'] ? ` (${String(data['reason'])})` : ''}`;
    case 'approval.refused':
      return `${step}refused ${record.actor ?? '?'}: ${String(data['reason'])}`;
    case 'note':
      // A message of an incident a run already handles is noted on that run.
      if (data['text'] === undefined && data['summary'] !== undefined) {
        const message = `${String(data['summary'])} (SNS ${String(data['messageId'])})`;
        const incident = `${String(data['reason'])}, incident ${String(data['incidentKey'])}`;
        return `${record.runId} ${message}: ${incident}`;
      }
      return `${step}${String(data['text'])}`;
    default:
      return `${step}${JSON.stringify(data)}`;
  }
}

/** The report as text: a timeline of what happened, then each expectation. */
export function formatReport(report: ExerciseReport): string {
  const startMs = Date.parse(report.startTime);
  const lines = [
    `Exercise ${report.exercise}: ${report.title}`,
    'SIMULATED account: nothing real was changed.',
    '',
  ];
  for (const record of report.audit) {
    const offset = formatOffsetMs(Date.parse(record.time) - startMs);
    lines.push(`${offset}  ${record.type.padEnd(18)} ${describeRecord(record)}`);
  }
  lines.push('', 'Expectations:');
  for (const e of report.expectations) {
    lines.push(`  ${e.passed ? 'PASS' : 'FAIL'}  ${e.name}${e.error ? ` (${e.error})` : ''}`);
  }
  const passed = report.expectations.filter((e) => e.passed).length;
  lines.push(
    '',
    `${passed} of ${report.expectations.length} expectations held: ${report.passed ? 'PASSED' : 'FAILED'}`,
  );
  return lines.join('\n');
}
