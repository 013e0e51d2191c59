import { formatChange, toHashedPlan } from '../actions/index.js';
import type { RunbookPlan } from './plan-runbook.js';

/** A plan as `firebreak plan` prints it: one block per step, then the hash. */
export function formatPlan(plan: RunbookPlan): string {
  const where = plan.simulated ? 'SIMULATED account' : 'REAL AWS account';
  const lines = [`plan of ${plan.runbookId} (${where})`];
  for (const step of plan.steps) {
    const head = `  ${step.phase.padEnd(9)} ${step.stepId.padEnd(22)} ${step.action}`;
    if (step.status === 'planned') {
      const changes = step.changes ?? [];
      // The step's own hash, the one its approval shows, so that the two can be compared.
      const what = `would change (plan ${toHashedPlan(changes).hash}):`;
      lines.push(`${head}  ${changes.length === 0 ? 'no change (already done)' : what}`);
      for (const change of changes) lines.push(`      ${formatChange(change)}`);
    } else {
      lines.push(`${head}  ${step.status}${step.reason === undefined ? '' : `: ${step.reason}`}`);
    }
  }
  const unplanned = plan.steps.filter((s) => s.status === 'unplanned').map((s) => s.stepId);
  if (unplanned.length > 0) lines.push(`could not be planned: ${unplanned.join(', ')}`);
  lines.push(`plan hash ${plan.hash} (of the whole runbook)`);
  return lines.join('\n');
}
