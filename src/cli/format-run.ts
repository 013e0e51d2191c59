import { FirebreakError } from '../shared/index.js';
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
        : '';
    lines.push(
      `  ${step.phase.padEnd(9)} ${step.id.padEnd(22)} ${step.action.padEnd(30)} ${step.status}${error}${waiting}`,
    );
  }
  if (run.failure) lines.push(`  ${run.failure.code}: ${run.failure.message}`);
  return lines.join('\n');
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
