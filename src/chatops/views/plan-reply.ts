import { formatChange } from '../../actions/index.js';
import type { PlannedStep, RunbookPlan } from '../../plan/index.js';
import { escapeSlackText, toAccountLabel, truncateText } from './slack-text.js';

/** What the plan did with steps that neither plan changes nor failed to. */
const OTHER_STEP_WORDS: Readonly<Record<string, string>> = {
  ran: 'read live state',
  skipped: 'skipped (condition false)',
  'not-run': 'not run by a plan',
};

function toPlannedStepLines(step: PlannedStep): string[] {
  const head = `• \`${step.stepId}\` (${step.phase}, ${escapeSlackText(step.action)})`;
  const changes = step.changes ?? [];
  if (changes.length === 0) return [`${head}: no change, already done`];
  const lines = changes.map((c) => `      \`${escapeSlackText(formatChange(c))}\``);
  return [`${head} would change:`, ...lines];
}

function toUnplannedLine(step: PlannedStep): string {
  const reason = escapeSlackText(step.reason ?? 'no reason given');
  return `• \`${step.stepId}\` (${step.phase}, ${escapeSlackText(step.action)}): ${reason}`;
}

/**
 * The answer to `/ir plan`: the changes each mutating step would make (`resource: before ->
 * after`), the steps that could not be planned and why, what else the plan did or skipped,
 * and the plan's hash.
 */
export function toPlanReply(plan: RunbookPlan, command: string): string {
  const name = escapeSlackText(plan.runbookId);
  const lines = [
    `:clipboard: *Plan of ${name}* from live state on the ${toAccountLabel(plan)}; nothing was changed.`,
  ];
  const planned = plan.steps.filter((s) => s.status === 'planned');
  lines.push(planned.length === 0 ? '_No step would change anything._' : '*Changes*');
  lines.push(...planned.flatMap(toPlannedStepLines));

  const unplanned = plan.steps.filter((s) => s.status === 'unplanned');
  if (unplanned.length > 0) lines.push('*Could not be planned*', ...unplanned.map(toUnplannedLine));
  const others = plan.steps.filter((s) => s.status !== 'planned' && s.status !== 'unplanned');
  if (others.length > 0) {
    const words = (s: PlannedStep) => OTHER_STEP_WORDS[s.status] ?? s.status;
    const list = others.map((s) => `\`${s.stepId}\` ${words(s)}`).join(', ');
    lines.push(`_Other steps:_ ${list}`);
  }

  lines.push(`*Plan hash* \`${plan.hash}\``);
  lines.push(
    `Type \`${command} run ${name}\` with the same inputs to make these changes; each approval shows the plan again, recomputed from live state.`,
  );
  return truncateText(lines.join('\n'));
}
