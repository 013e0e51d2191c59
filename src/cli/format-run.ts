import { formatChange } from '../actions/index.js';
import { FirebreakError } from '../shared/index.js';
import { readPreviewPlan } from '../engine/index.js';
import type { RunState } from '../engine/index.js';

/** One line per step: phase, id, action, status and the error when it failed. */
export function formatRun(run: RunState): string {
  const where = run.simulated ? 'SIMULATED account' : 'REAL AWS account';
  const lines = [
    `${run.runId}  ${run.runbookId}  ${run.status}  (${where}, requested by ${run.requester})`,
  ];
  for (const step of run.steps) {
    const error = step.error ? `  ${step.error.code}: ${step.error.message}` : '';
    const waiting =
      step.status === 'awaiting_approval' && step.approval
        ? `  needs ${step.approval.min} of [${step.approval.roles.join(', ')}]`
        : step.status === 'running' && step.waitUntilMs !== undefined
          ? `  waiting until ${new Date(step.waitUntilMs).toISOString()}`
          : '';
    lines.push(
      `  ${step.phase.padEnd(9)} ${step.id.padEnd(22)} ${step.action.padEnd(30)} ${step.status}${error}${waiting}`,
    );
    if (step.status === 'awaiting_approval') lines.push(...toPlanLines(step.approval?.preview));
    if (step.note !== undefined) lines.push(`      ${step.note}`);
    // What a `note` step wrote (facts to restore from, guidance) is part of the run's story.
    const text = (step.outputs as { text?: unknown } | undefined)?.text;
    if (step.action === 'note' && typeof text === 'string') {
      lines.push(
        ...text
          .trimEnd()
          .split('\n')
          .map((line) => `      ${line}`),
      );
    }
  }
  if (run.failure) lines.push(`  ${run.failure.code}: ${run.failure.message}`);
  return lines.join('\n');
}

/** What an approver is asked to allow: the plan's changes and hash, or why there is none. */
function toPlanLines(preview: unknown): string[] {
  const planError = (preview as { planError?: unknown } | null)?.planError;
  if (typeof planError === 'string') return [`      no plan: ${planError}`];
  const plan = readPreviewPlan(preview);
  if (plan === undefined) return [];
  const hash = ` (plan ${plan.hash})`;
  if (plan.changes.length === 0) return [`      will change nothing: already done${hash}`];
  return [`      will change${hash}:`, ...plan.changes.map((c) => `        ${formatChange(c)}`)];
}

/** Parses `key=value` arguments into run inputs. */
export function parseKeyValues(pairs: readonly string[]): Record<string, string> {
  const inputs: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) {
      throw new FirebreakError('CLI_INPUT_INVALID', `expected key=value, got "${pair}"`);
    }
    inputs[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return inputs;
}
